from app.limits import TokenBucket, WindowLimit


def test_a_window_limit_counts_per_key_and_forgets_old_events():
    limit = WindowLimit(2, 10.0)
    assert limit.allow("a", now=0.0)
    assert limit.allow("a", now=1.0)
    assert not limit.allow("a", now=2.0)
    assert limit.allow("b", now=2.0)  # another address
    assert limit.allow("a", now=10.5)  # the first event is out of the window


def test_a_token_bucket_allows_a_burst_then_its_rate():
    bucket = TokenBucket(rate=2.0, burst=3)
    assert [bucket.allow(now=0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.allow(now=0.5)  # one token back after half a second
    assert not bucket.allow(now=0.5)
