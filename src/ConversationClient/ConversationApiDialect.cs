namespace ConversationClient; /// <summary>x</summary>
public enum ConversationApiDialect { /// <summary>a</summary>
OpenAI, /// <summary>b</summary>
Dify }
