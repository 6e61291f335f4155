using System.Net;
using System.Text;
using ConversationClient.Http;

namespace ConversationClient.Tests;

/// <summary>The less common error body shapes, read by the parser directly: each member's place and fallback.</summary>
public sealed class ErrorBodyShapeTests
{
    private static ConversationApiError Envelope(string json)
    {
        Assert.That(ErrorBodyParser.TryParseEnvelope(Encoding.UTF8.GetBytes(json), out var error), Is.True, json);
        return error!;
    }

    [Test]
    public void Envelope_ErrorAsText_TakesTheTextAsMessageAndTheCodeBesideIt()
    {
        var error = Envelope("""{"error":"Invalid API key.","code":"invalid_api_key"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Is.EqualTo("Invalid API key."));
            Assert.That(error.Code, Is.EqualTo("invalid_api_key"));
            Assert.That(error.Param, Is.Null);
            Assert.That(error.Type, Is.Null);
        }
    }

    [Test]
    public void Envelope_ErrorAsTextWithNumericCode_KeepsTheNumberAsText()
    {
        var error = Envelope("""{"error":"Unauthorized","code":401}""");

        Assert.That(error.Code, Is.EqualTo("401"));
        Assert.That(error.Message, Is.EqualTo("Unauthorized"));
    }

    [Test]
    public void Envelope_ErrorAsTextWithoutCode_HasNoCode()
    {
        var error = Envelope("""{"error":"Something broke."}""");

        Assert.That(error.Code, Is.Null);
        Assert.That(error.Message, Is.EqualTo("Something broke."));
    }

    [Test]
    public void Envelope_ErrorNeitherObjectNorText_FallsBackToTheTopLevelMembers()
    {
        var error = Envelope("""{"error":true,"code":"bad_gateway","message":"Upstream failed."}""");

        Assert.That(error.Code, Is.EqualTo("bad_gateway"));
        Assert.That(error.Message, Is.EqualTo("Upstream failed."));
    }

    [Test]
    public void Envelope_DifyParam_IsTheParameterWhenParamsIsMissing()
    {
        var error = Envelope("""{"code":"invalid_param","message":"bad","status":400,"param":"last_id"}""");

        Assert.That(error.Param, Is.EqualTo("last_id"));
    }

    [TestCase("""{"code":"invalid_param","message":"bad","params":"user","param":"last_id"}""")]
    [TestCase("""{"code":"invalid_param","message":"bad","params":"user","param":null}""")]
    [TestCase("""{"code":"invalid_param","message":"bad","params":"user"}""")]
    public void Envelope_DifyParams_ComesBeforeParam(string json)
    {
        Assert.That(Envelope(json).Param, Is.EqualTo("user"));
    }

    [Test]
    public void Envelope_DifyParamsNull_FallsBackToParam()
    {
        Assert.That(Envelope("""{"code":"invalid_param","params":null,"param":"limit"}""").Param, Is.EqualTo("limit"));
    }

    [Test]
    public void Envelope_AzureTarget_IsTheParameter()
    {
        var error = Envelope("""{"error":{"code":"BadArgument","message":"Invalid id.","target":"conversation_id"}}""");

        Assert.That(error.Param, Is.EqualTo("conversation_id"));
        Assert.That(error.Code, Is.EqualTo("BadArgument"));
    }

    [TestCase("""{"error":{"code":"BadArgument","param":"after","target":"conversation_id"}}""")]
    [TestCase("""{"error":{"code":"BadArgument","target":null,"param":"after"}}""")]
    public void Envelope_OpenAIParam_ComesBeforeTarget(string json)
    {
        Assert.That(Envelope(json).Param, Is.EqualTo("after"));
    }

    [Test]
    public void Envelope_OnlyCode_HasNoMessage()
    {
        var error = Envelope("""{"code":"not_found"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Code, Is.EqualTo("not_found"));
            Assert.That(error.Message, Is.Null);
            Assert.That(error.Param, Is.Null);
            Assert.That(error.ToString(), Is.EqualTo("not_found"));
        }
    }

    [Test]
    public void Envelope_OnlyMessage_HasNoCode()
    {
        var error = Envelope("""{"message":"Conversation Not Exists."}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Message, Is.EqualTo("Conversation Not Exists."));
            Assert.That(error.Code, Is.Null);
            Assert.That(error.Param, Is.Null);
        }
    }

    [TestCase("""{"code":true}""", "true")]
    [TestCase("""{"code":{"a":1}}""", """{"a":1}""")]
    [TestCase("""{"code":null,"message":"m"}""", null)]
    public void Envelope_CodeThatIsNotText_IsItsJsonOrNull(string json, string? code)
    {
        Assert.That(Envelope(json).Code, Is.EqualTo(code));
    }

    [TestCase("")]
    [TestCase("""{"status":500}""")]
    [TestCase("""{"error":null}""")]
    [TestCase("""{"error":42}""")]
    [TestCase("[]")]
    [TestCase("<html><body>Bad Gateway</body></html>")]
    public void Envelope_NotAnErrorEnvelope_IsNotOne(string body)
    {
        Assert.That(ErrorBodyParser.TryParseEnvelope(Encoding.UTF8.GetBytes(body), out var error), Is.False);
        Assert.That(error, Is.Null);
    }

    [Test]
    public void Envelope_DetailsThatAreNotObjects_AreSkipped()
    {
        var error = Envelope("""{"error":{"code":"Outer","details":[1,"text",null,{"code":"Inner"}]}}""");

        Assert.That(error.Details.Select(d => d.Code), Is.EqualTo(new[] { "Inner" }));
    }

    [Test]
    public void Envelope_DetailsThatAreNotAList_AreNone()
    {
        var error = Envelope("""{"error":{"code":"Outer","details":{"code":"Inner"}}}""");

        Assert.That(error.Details, Is.Empty);
    }

    [Test]
    public void Envelope_NestedDetails_AreReadSixteenLevelsDeep()
    {
        var json = new StringBuilder("""{"error":""");
        const int levels = 20;
        for (var i = 0; i < levels; i++)
        {
            json.Append("{\"code\":\"L").Append(i).Append("\",\"details\":[");
        }

        for (var i = 0; i < levels; i++)
        {
            json.Append("]}");
        }

        json.Append('}');

        var error = Envelope(json.ToString());
        var depth = 0;
        while (error.Details.Count > 0)
        {
            error = error.Details[0];
            depth++;
        }

        Assert.That(depth, Is.EqualTo(16));
        Assert.That(error.Code, Is.EqualTo("L16"));
    }

    [Test]
    public void Envelope_NullAdditionalAndDebugInfo_AreNone()
    {
        var error = Envelope("""{"error":{"code":"c","additionalInfo":null,"debugInfo":null}}""");

        Assert.That(error.AdditionalInfo, Is.Null);
        Assert.That(error.DebugInfo, Is.Null);
    }

    [Test]
    public void Parse_BodyThatIsNotAnEnvelope_KeepsItRawWithTheStatusAsMessage()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { ReasonPhrase = "Bad Gateway" };
        response.Content = new BufferedContent("<html>oops</html>"u8.ToArray(), truncated: false);

        var error = ErrorBodyParser.Parse(response);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Code, Is.EqualTo(ConversationApiError.HttpErrorCode));
            Assert.That(error.Message, Is.EqualTo("The service answered HTTP 502 Bad Gateway."));
            Assert.That(error.RawBody, Is.EqualTo("<html>oops</html>"));
        }
    }

    [Test]
    public void Parse_NoReasonPhraseAndNoBody_SaysTheStatusOnly()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)599) { ReasonPhrase = "" };

        var error = ErrorBodyParser.Parse(response);

        Assert.That(error.Message, Is.EqualTo("The service answered HTTP 599."));
        Assert.That(error.RawBody, Is.Null);
    }
}
