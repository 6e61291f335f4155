namespace ConversationClient.Internal;

/// <summary>
/// Paces the HTTP attempts of a batch to the rate the service allows, learned from its refusals (429). Until the first
/// refusal, attempts start as soon as they may. From then on they start at a pace: a token bucket on the client's side
/// that mirrors the service's.
/// <list type="bullet">
/// <item>A refusal means the service's bucket is empty: the client's is emptied too, and the batch pauses for the
/// service's wait when it gives one (<c>Retry-After</c> seconds or date, <c>retry-after-ms</c>; capped at the client's
/// MaxDelay).</item>
/// <item>The rate is learned from two refusals at least <see cref="MinWindow"/> apart: the service's bucket was empty at
/// both, so what it let through between them is what it refills in that time. The pace is then
/// <see cref="Margin"/> of that. Until such a pair exists (the first refusals of a batch), each new refusal halves the
/// pace; refusals of attempts that started before the last slow-down are the same push-back and change nothing.</item>
/// <item>When the first refusal asks for a wait of at least <see cref="MinWindow"/>, the first pace is a guess: what
/// got through before it, spent over that wait.</item>
/// <item>Each answer let through raises the rate a little (<see cref="SearchStep"/> per answer before the rate is
/// learned, <see cref="TrackStep"/> after: about +70% and +20% per second), so the pace follows a limit that rises, and
/// a too low estimate is left behind. When the service's last refusal asked for a long wait (at least
/// <see cref="MinWindow"/>: whole seconds, a date), the climb after learning is <see cref="LongWaitTrackStep"/> (about +5%
/// per second): each probe above the limit then costs the batch that wait.</item>
/// <item>When the service has let nothing through for <c>giveUpAfter</c> (the client's TotalTimeout) since it began
/// refusing, the batch gives up: <see cref="WaitToStartAsync"/> answers null and no more attempts start.</item>
/// </list>
/// A waiting attempt reserves its start time (the bucket may go below zero), so waiting attempts start one pace apart
/// and a late timer does not slow the pace. Built by hand rather than on System.Threading.RateLimiting's
/// <c>TokenBucketRateLimiter</c>: its rate cannot change once it is made, it counts whole tokens per replenishment
/// period (a period per token at 237.5/s is not a whole number of milliseconds), and it cannot run on a
/// <see cref="TimeProvider"/>, which the tests of these rules need.
/// </summary>
internal sealed class BatchPacer
{
    /// <summary>The share of the learned rate that the batch runs at, below the limit so that few attempts are refused.</summary>
    internal const double Margin = 0.95;

    /// <summary>The factor of a slow-down without a learned rate, or with one that proved too high within <see cref="MinWindow"/>.</summary>
    internal const double SlowDown = 0.5;

    /// <summary>The factor of a slow-down soon after the rate was learned: the rate was a little too high.</summary>
    internal const double TrackSlowDown = 0.8;

    /// <summary>Starts per second added per answer let through before the rate is learned (a climb of about 70% per second).</summary>
    internal const double SearchStep = 0.7;

    /// <summary>Starts per second added per answer let through once the rate is learned (about 20% per second).</summary>
    internal const double TrackStep = 0.2;

    /// <summary>
    /// Starts per second added per answer let through once the rate is learned, when the last refusal asked for a wait of
    /// at least <see cref="MinWindow"/> (about 5% per second). From 95% of the limit, a climb of 20% a second is refused
    /// again about half a second after the burst that follows each pause, so a batch under whole-second waits paused a
    /// whole second every second and a half or so. Mid-batch such a pause costs little (the service's bucket refills
    /// while the batch waits, and the burst after it spends that), but a refusal in a batch's last second costs up to
    /// the whole wait: with 1,000 deletes at 250/s and <c>Retry-After: 1</c> the erasure read 0.87 of the allowed rate.
    /// At 5% a second the next probe comes about two seconds after the burst.
    /// </summary>
    internal const double LongWaitTrackStep = 0.05;

    /// <summary>The slowest pace, in starts per second.</summary>
    internal const double MinRate = 1;

    /// <summary>The shortest time between two refusals that the rate is learned from: shorter, a few answers more or less would weigh too much.</summary>
    internal static readonly TimeSpan MinWindow = TimeSpan.FromMilliseconds(500);

    private const double Epsilon = 1e-6;

    private readonly object _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _origin;
    private readonly double _maxPause;
    private readonly double _giveUpAfter;

    // Times are seconds since _origin.
    private double _rate = double.PositiveInfinity;
    private double _capacity = 1;
    private double _tokens;
    private double _tokensAt;
    private double _pausedUntil;
    private double _slowedAt = double.NegativeInfinity;
    private double _anchor = double.NaN;
    private int _passedSinceAnchor;
    private int _started;
    private int _passed;
    private int _passedBeforeFirstRefusal = -1;
    private bool _learned;
    private bool _lastWaitLong;
    private double _refusingSince = double.NaN;

    /// <param name="maxPause">The longest the batch pauses for one refusal (the client's MaxDelay).</param>
    /// <param name="giveUpAfter">How long the service may let nothing through before the batch gives up (the client's TotalTimeout).</param>
    /// <param name="timeProvider">The clock.</param>
    public BatchPacer(TimeSpan maxPause, TimeSpan giveUpAfter, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _maxPause = maxPause.TotalSeconds;
        _giveUpAfter = giveUpAfter.TotalSeconds;
    }

    /// <summary>The pace in starts per second; infinity before the first refusal.</summary>
    public double Rate
    {
        get
        {
            lock (_lock)
            {
                return _rate;
            }
        }
    }

    /// <summary>Whether the rate has been learned from two refusals (rather than guessed by halving).</summary>
    public bool IsLearned
    {
        get
        {
            lock (_lock)
            {
                return _learned;
            }
        }
    }

    /// <summary>Whether the service has let nothing through for the give-up time since it began refusing.</summary>
    public bool HasGivenUp
    {
        get
        {
            lock (_lock)
            {
                return GivenUp(Now());
            }
        }
    }

    /// <summary>How long the service has refused everything, to say so in a result; zero when it is not refusing.</summary>
    public TimeSpan RefusingFor
    {
        get
        {
            lock (_lock)
            {
                return double.IsNaN(_refusingSince) ? TimeSpan.Zero : TimeSpan.FromSeconds(Now() - _refusingSince);
            }
        }
    }

    /// <summary>
    /// Waits until an attempt may start: after any pause, at its place in the pace. Answers the start time to hand back
    /// with the attempt's answer, or null when the batch has given up (then nothing may be sent).
    /// </summary>
    public async ValueTask<double?> WaitToStartAsync(CancellationToken cancellationToken)
    {
        var reservedAt = double.NaN;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double wait;
            lock (_lock)
            {
                var now = Now();
                if (GivenUp(now))
                {
                    return null;
                }

                if (double.IsNaN(reservedAt) && !double.IsPositiveInfinity(_rate))
                {
                    Refill(now);
                    // A token at hand reserves a time in the past, which is now; a debt, its place in the pace.
                    _tokens -= 1;
                    reservedAt = now - (_tokens / _rate);
                }

                // Within a microsecond is now: times are doubles.
                var startAt = Math.Max(_pausedUntil, double.IsNaN(reservedAt) ? now : reservedAt);
                if (startAt <= now + Epsilon)
                {
                    _started++;
                    return now;
                }

                wait = startAt - now;
            }

            // Whole milliseconds, rounded up: timers count milliseconds, and a shorter wait would come back before its time, again and again.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling((wait * 1000) - Epsilon)), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An attempt that started at <paramref name="startedAt"/> got an answer other than a refusal: the service let it through.</summary>
    public void Passed(double startedAt)
    {
        lock (_lock)
        {
            var now = Now();
            _refusingSince = double.NaN;
            _passed++;
            if (startedAt > _anchor)
            {
                _passedSinceAnchor++;
            }

            // No climb before the first refusal: there is no pace yet.
            if (_passedBeforeFirstRefusal >= 0)
            {
                Refill(now);
                _rate += !_learned ? SearchStep : _lastWaitLong ? LongWaitTrackStep : TrackStep;
            }
        }
    }

    /// <summary>
    /// An attempt that started at <paramref name="startedAt"/> was refused (429), with the service's wait if it gave one:
    /// the batch pauses for the wait, and slows down unless the attempt started before the last slow-down.
    /// </summary>
    public void Refused(double startedAt, TimeSpan? wait)
    {
        lock (_lock)
        {
            var now = Now();
            if (double.IsNaN(_refusingSince))
            {
                _refusingSince = now;
            }

            var pause = wait is { } w ? Math.Clamp(w.TotalSeconds, 0, _maxPause) : 0;
            _pausedUntil = Math.Max(_pausedUntil, now + pause);
            _lastWaitLong = pause >= MinWindow.TotalSeconds;

            // Sent before the last slow-down (or at its instant): the same push-back, already answered.
            if (startedAt <= _slowedAt)
            {
                return;
            }

            // The credit of the time since the last refill counts at the old pace.
            Refill(now);
            double rate;
            if (_passedBeforeFirstRefusal < 0)
            {
                // The first refusal: nothing is known but how fast the batch went. Half of that, and the bucket the
                // service started with is about what it let through so far.
                _passedBeforeFirstRefusal = _passed;
                rate = SlowDown * _started / Math.Max(now, MinWindow.TotalSeconds / 10);
                if (wait is { } asked && asked >= MinWindow && _passed > 0)
                {
                    // A service that let B through and asks for a long wait W (whole seconds, a date) most often refills
                    // B in W: a fixed window, or a token bucket that holds a window's worth. Starting from that guess,
                    // with B to spend after the pause, spares the batch a second pause of W to learn the rate; a wrong
                    // guess is put right by the next refusal (too high) or by the climb (too low).
                    rate = Math.Min(rate, Margin * _passed / Math.Min(asked.TotalSeconds, _maxPause));
                    _capacity = _passed;
                }

                _anchor = now;
                _passedSinceAnchor = 0;
            }
            else if (now - _anchor >= MinWindow.TotalSeconds)
            {
                // Empty at the anchor and empty now: what passed between is what the service refills in that time.
                var learned = _passedSinceAnchor / (now - _anchor);
                rate = Margin * learned;
                _capacity = Math.Max(1, Math.Min(_passedBeforeFirstRefusal, learned));
                _learned = true;
                _anchor = now;
                _passedSinceAnchor = 0;
            }
            else
            {
                rate = (_learned ? TrackSlowDown : SlowDown) * _rate;
            }

            _rate = Math.Max(MinRate, rate);
            _tokens = Math.Min(_tokens, 0);
            _tokensAt = now;
            _slowedAt = now;
        }
    }

    /// <summary>The service asked for a wait without refusing (a 503 with <c>Retry-After</c>, say): the batch pauses for it.</summary>
    public void Pause(TimeSpan wait)
    {
        lock (_lock)
        {
            _pausedUntil = Math.Max(_pausedUntil, Now() + Math.Clamp(wait.TotalSeconds, 0, _maxPause));
        }
    }

    /// <summary>Seconds since the pacer was made.</summary>
    public double Now() => _timeProvider.GetElapsedTime(_origin).TotalSeconds;

    private bool GivenUp(double now) => now - _refusingSince >= _giveUpAfter;

    private void Refill(double now)
    {
        if (!double.IsPositiveInfinity(_rate))
        {
            _tokens = Math.Min(_capacity, _tokens + ((now - _tokensAt) * _rate));
        }

        _tokensAt = now;
    }
}
