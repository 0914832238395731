"""The send limiters: 30 a second overall in every one-second window, a chat's own pace, and a
429 pause that every sender sees — in one process and shared through Redis by several (issue 11:
the limiter behind an interface; the Redis one for replicas; issue 12: a chat's pace counted from
when its sends really go, many senders into many chats)."""
from __future__ import annotations

import asyncio
import math
import os
import random
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.telegram.redis_limiter import RedisSendLimiter
from bot.telegram.throttle import LATE_SLACK, OVERALL_MARGIN, SCAN_LIMIT, LocalSendLimiter, SendLimiter, wait_until_turn

# Another database than the conversation-state test's, which empties its own (flushdb) and may
# run at the same time in another worker.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LIMITER_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/14" if TEST_REDIS_URL else ""
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")


async def _send_times(limiters: list[SendLimiter], sends: int, *, chat_of=lambda i: i, paid: bool = False) -> list[float]:
    """Reserve `sends` turns, taking the limiters in turn; the moment each send may go."""
    moments = []
    for index in range(sends):
        asked = time.monotonic()
        moments.append(asked + await limiters[index % len(limiters)].turn(chat_of(index), paid=paid))
    return sorted(moments)


def _most_in_one_second(moments: list[float]) -> int:
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.fixture
async def redis_limiters() -> AsyncIterator[list[SendLimiter]]:
    from redis.asyncio import Redis

    clients = [Redis.from_url(LIMITER_REDIS_URL) for _ in range(2)]  # two connections: two processes
    bot_id = f"test-{uuid.uuid4().hex}"
    yield [RedisSendLimiter(client, bot_id) for client in clients]
    for client in clients:
        await client.aclose()


async def test_the_local_limiter_keeps_every_one_second_window_at_30() -> None:
    moments = await _send_times([LocalSendLimiter()], 90)
    assert _most_in_one_second(moments) <= 30
    assert moments[-1] - moments[0] >= 89 / 30  # and no slower than it must be: 90 sends in ~3 s (the margin)
    assert moments[-1] - moments[0] <= 89 / 30 * (OVERALL_MARGIN + 0.01)


async def test_the_local_limiter_paces_one_chat_after_a_burst_of_three() -> None:
    moments = await _send_times([LocalSendLimiter()], 5, chat_of=lambda i: 42)
    assert moments[2] - moments[0] < 0.2  # the burst
    assert moments[3] - moments[0] >= 0.99 and moments[4] - moments[0] >= 1.99


async def test_a_pause_delays_every_chat_in_the_local_limiter() -> None:
    limiter = LocalSendLimiter()
    await limiter.pause(1.5)
    assert await limiter.turn(7) >= 1.45
    assert await limiter.turn(8) >= 1.45  # another chat waits as well


async def test_paid_sends_are_paced_at_1000_a_second_beside_the_free_30() -> None:
    moments = await _send_times([LocalSendLimiter()], 500, paid=True)
    assert moments[-1] - moments[0] < 0.6  # 500 at 1000/s, not 16 s at 30/s
    assert moments[-1] - moments[0] >= 0.49


@needs_redis
async def test_two_processes_sharing_redis_send_30_a_second_between_them(
        redis_limiters: list[SendLimiter]) -> None:
    moments = await _send_times(redis_limiters, 60)
    assert _most_in_one_second(moments) <= 30  # not 30 each
    assert moments[-1] - moments[0] >= 59 / 30 - 0.02


@needs_redis
async def test_a_429_seen_by_one_process_pauses_the_other(redis_limiters: list[SendLimiter]) -> None:
    first, second = redis_limiters
    # The turn is counted from when the pause was set, so time this test spent waiting for a
    # core (CI runs the cluster tests beside it) counts towards the pause, not against it.
    paused_at = time.monotonic()
    await first.pause(1.2)
    assert await second.turn(99) + (time.monotonic() - paused_at) >= 1.15
    paused_at = time.monotonic()
    await first.pause(0.1)  # a shorter pause never cuts the longer one
    assert await second.turn(100) + (time.monotonic() - paused_at) >= 1.0


@needs_redis
async def test_one_chat_is_paced_across_processes(redis_limiters: list[SendLimiter]) -> None:
    moments = await _send_times(redis_limiters, 4, chat_of=lambda i: 5)
    assert moments[3] - moments[0] >= 0.98
    await asyncio.sleep(0)


# --- many senders into many chats (issue 12) ---------------------------------------------------
# Every test below asserts on the reserved send times the limiters return (schedule(): now and the
# send time on the limiter's own clock), not on sleeps, so a busy machine cannot make them flaky.

OVERALL_INTERVAL = OVERALL_MARGIN / 30  # the limiters' overall pace at global_rate=30


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _turns(seed: int, order: str, busy_chats: int = 10, busy_turns: int = 8, quiet_chats: int = 50,
           turns: int = 300) -> list[int]:
    """`turns` chat ids. "random": in random order, a few busy chats asked for many sends, most for
    a few. "pairs": 150 chats asked for two sends each, one right after the other — the second sends,
    held a second by their chat, make a dense block ahead that the first ones then run into."""
    if order == "pairs":
        return [chat for chat in range(turns // 2) for _ in range(2)]
    chats = [chat for chat in range(busy_chats) for _ in range(busy_turns)]
    quiet = list(range(busy_chats, busy_chats + quiet_chats))
    chats += [quiet[index % quiet_chats] for index in range(turns - len(chats))]
    random.Random(seed).shuffle(chats)
    return chats


def _assert_schedule_keeps_every_pace(reserved: list[tuple[int, bool, float, float]], per_chat_burst: int) -> None:
    """`reserved`: (chat, paid, asked at, send at) in the order asked. Free sends: at most 30 in any
    second and never closer than the overall interval; paid ones the same at 1000 a second; every
    chat's sends keep its GCRA (1 a second, `per_chat_burst` at once) at their real send times, in
    the order they were asked for."""
    free = sorted(send for _, paid, _, send in reserved if not paid)
    paid_sends = sorted(send for _, paid, _, send in reserved if paid)
    assert _most_in_one_second(free) <= 30
    assert min(later - earlier for earlier, later in zip(free, free[1:])) >= OVERALL_INTERVAL - 1e-6
    if len(paid_sends) > 1:
        assert min(later - earlier for earlier, later in zip(paid_sends, paid_sends[1:])) >= OVERALL_MARGIN / 1000 - 1e-6
    per_chat: dict[int, list[float]] = {}
    for chat, _, _, send in reserved:
        per_chat.setdefault(chat, []).append(send)
    tolerance = per_chat_burst - 1
    for chat, sends in per_chat.items():
        assert sends == sorted(sends), f"chat {chat}'s sends were reordered"
        tat = -math.inf  # GCRA at 1 a second over the real send times
        for send in sends:
            assert send >= tat - tolerance - 1e-6, f"chat {chat}: {sends}"
            tat = max(tat, send) + 1.0
        if per_chat_burst == 1:
            assert min((later - earlier for earlier, later in zip(sends, sends[1:])), default=1.0) >= 0.999


def _assert_no_send_waited_for_nothing(reserved: list[tuple[int, bool, float, float]], per_chat_burst: int) -> None:
    """No head-of-line blocking: every send goes at the earliest time its own chat's pace allows
    (or when it was asked for) unless every moment from then to its send time is too close to a
    send reserved before it (in its pace: free or paid). A send put behind another chat's delayed
    send would leave such a moment free."""
    earlier: dict[bool, list[float]] = {False: [], True: []}
    chat_pace: dict[int, tuple[float, float]] = {}  # chat → (GCRA TAT, last send)
    for chat, paid, asked, send in reserved:
        interval = OVERALL_MARGIN / 1000 if paid else OVERALL_INTERVAL
        tat, last = chat_pace.get(chat, (-math.inf, -math.inf))
        allowed = max(asked, tat - (per_chat_burst - 1), last)
        covered_until = allowed  # sweep [allowed, send): every moment must conflict with an earlier send
        for taken in sorted(taken for taken in earlier[paid] if taken + interval > allowed and taken - interval < send):
            assert taken - interval <= covered_until + 1e-6, (
                f"chat {chat} waited until {send - asked:.3f} s after asking, though {covered_until - asked:.3f} s was free")
            covered_until = max(covered_until, taken + interval)
        assert covered_until >= send - 0.002, f"chat {chat} waited {send - covered_until:.3f} s for nothing"
        earlier[paid].append(send)
        chat_pace[chat] = (max(tat, send) + 1.0, send)


# (per_chat_burst, scan_limit, order of the chats): the bot's burst of 3, the strict 1 a second,
# a search cut short after 4 or 12 reserved times (the send then goes after the last one: later,
# but still paced), and sends that run into a dense block of chat-delayed ones.
SIMULATIONS = [(1, SCAN_LIMIT, "random"), (3, SCAN_LIMIT, "random"), (1, 4, "random"),
               (1, SCAN_LIMIT, "pairs"), (1, 12, "pairs")]


@pytest.mark.parametrize(("per_chat_burst", "scan_limit", "order"), SIMULATIONS)
async def test_the_local_limiter_keeps_the_overall_and_every_chats_pace_for_300_sends_into_many_chats(
        per_chat_burst: int, scan_limit: int, order: str) -> None:
    """issue 12: 300 sends asked for faster than 30 a second into 60 chats (some asked for many
    sends, in random order; or 150 chats two each), a tenth paid broadcasts: no second holds more
    than 30, every chat's sends keep 1 a second (after its burst) at the times they really go
    behind the queue, and no send waits behind a chat-delayed one."""
    clock = FakeClock()
    limiter = LocalSendLimiter(global_rate=30, per_chat_rate=1, per_chat_burst=per_chat_burst, clock=clock,
                               scan_limit=scan_limit)
    rng = random.Random(7)
    reserved = []
    for chat in _turns(per_chat_burst + scan_limit, order):
        clock.now += rng.uniform(0.0, 0.04)  # 50 a second on average: the queue grows
        paid = rng.random() < 0.1
        now, send = await limiter.schedule(chat, paid=paid)
        assert now == clock.now and send >= now
        reserved.append((chat, paid, now, send))
    _assert_schedule_keeps_every_pace(reserved, per_chat_burst)
    if scan_limit == SCAN_LIMIT:  # a search cut short may leave a gap: that is its price
        _assert_no_send_waited_for_nothing(reserved, per_chat_burst)


@needs_redis
@pytest.mark.parametrize(("per_chat_burst", "scan_limit", "order"), SIMULATIONS)
async def test_three_replicas_sharing_redis_keep_the_overall_and_every_chats_pace_for_300_sends(
        per_chat_burst: int, scan_limit: int, order: str) -> None:
    """issue 12: the same 300 sends through three limiters sharing one bot's keys in Redis (three
    replicas), asked for at once by three concurrent senders."""
    from redis.asyncio import Redis

    clients = [Redis.from_url(LIMITER_REDIS_URL) for _ in range(3)]
    bot_id = f"test-{uuid.uuid4().hex}"
    limiters = [RedisSendLimiter(client, bot_id, global_rate=30, per_chat_rate=1, per_chat_burst=per_chat_burst,
                                 scan_limit=scan_limit) for client in clients]
    chats = _turns(10 + per_chat_burst + scan_limit, order)
    paid_turns = set(random.Random(per_chat_burst).sample(range(len(chats)), len(chats) // 10))
    reserved: list[tuple[int, bool, float, float]] = []

    async def sender(replica: int) -> None:
        for index in range(replica, len(chats), 3):
            paid = index in paid_turns
            now, send = await limiters[replica].schedule(chats[index], paid=paid)
            reserved.append((chats[index], paid, now, send))

    try:
        await asyncio.gather(*(sender(replica) for replica in range(3)))
        leftover_ttls = [await clients[0].pttl(key) async for key in clients[0].scan_iter(match=f"*{bot_id}*")]
    finally:
        for client in clients:
            await client.aclose()
    reserved.sort(key=lambda item: item[2])  # in the order Redis took them
    _assert_schedule_keeps_every_pace(reserved, per_chat_burst)
    if scan_limit == SCAN_LIMIT:  # a search cut short may leave a gap: that is its price
        _assert_no_send_waited_for_nothing(reserved, per_chat_burst)
    # Every key expires (an idle bot leaves nothing behind): a second after the last reserved
    # send or, for a chat's pace, a second after its GCRA TAT (at most a burst past its last send).
    last_ms = (max(send for *_, send in reserved) - max(now for _, _, now, _ in reserved)) * 1000
    assert leftover_ttls and all(0 < ttl <= last_ms + per_chat_burst * 1000 + 1000 + 1 for ttl in leftover_ttls)


async def _no_wait_behind_a_chat_delayed_send(limiter: SendLimiter) -> tuple[list[float], float]:
    """Chat 1 asks for three sends (1 a second, burst 1: now, +1 s, +2 s); then chat 2 asks for one.
    Returns chat 1's reserved sends relative to the first, and chat 2's wait."""
    sends = [(await limiter.schedule(1))[1] for _ in range(3)]
    now, send = await limiter.schedule(2)
    return [send - sends[0] for send in sends], send - now


async def test_the_local_limiter_does_not_hold_a_chat_behind_another_chats_delayed_send() -> None:
    """issue 12: no head-of-line blocking — a send for chat 2 takes the next free overall slot
    (one interval after chat 1's first send), not one after chat 1's send reserved 2 s ahead."""
    clock = FakeClock()
    offsets, wait = await _no_wait_behind_a_chat_delayed_send(LocalSendLimiter(30, 1, 1, clock=clock))
    assert offsets == pytest.approx([0.0, 1.0, 2.0])
    assert wait == pytest.approx(OVERALL_INTERVAL)


@needs_redis
async def test_redis_does_not_hold_a_chat_behind_another_chats_delayed_send() -> None:
    """issue 12: the same through Redis."""
    from redis.asyncio import Redis

    client = Redis.from_url(LIMITER_REDIS_URL)
    try:
        offsets, wait = await _no_wait_behind_a_chat_delayed_send(
            RedisSendLimiter(client, f"test-{uuid.uuid4().hex}", 30, 1, 1))
    finally:
        await client.aclose()
    assert offsets == pytest.approx([0.0, 1.0, 2.0], abs=0.01)
    assert wait < 0.1  # ≈ one overall interval (0.034 s) after chat 1's first send, not 2 s


async def test_two_thousand_queued_sends_fill_the_queue_without_holes() -> None:
    """issue 12: 2,000 sends asked for at once into 500 chats, four each (over a minute of queue at
    30 a second, the later sends of each chat held by its pace): they go one overall interval apart,
    the chat-delayed ones in among the others, with no stretch of the queue left empty."""
    clock = FakeClock()
    limiter = LocalSendLimiter(30, 1, 1, clock=clock)
    sends = sorted([(await limiter.schedule(chat % 500))[1] for chat in range(2000)])
    assert min(later - earlier for earlier, later in zip(sends, sends[1:])) >= OVERALL_INTERVAL - 1e-9
    assert sends[-1] - sends[0] <= 1999 * OVERALL_INTERVAL + 1e-6


async def test_a_send_woken_late_takes_a_new_turn_instead_of_crowding_the_next() -> None:
    """issue 12: three sends reserved 0.1 s apart; the event loop is then busy past all three turns
    (a loaded machine). Before, the two late ones went at once — two sends where the schedule had
    one, which on a full queue makes 31 in a second (the 2,000-learner broadcast drew a 429 so);
    now each late one takes a new turn and they leave an interval apart."""
    interval = OVERALL_MARGIN / 10
    limiter = LocalSendLimiter(global_rate=10, per_chat_rate=1000, per_chat_burst=1000)
    gone: list[float] = []

    async def send(chat: int) -> None:
        await wait_until_turn(limiter, chat, time.monotonic() + await limiter.turn(chat))
        gone.append(time.monotonic())

    sends = [asyncio.create_task(send(chat)) for chat in range(3)]
    await asyncio.sleep(0)  # each has its turn: now, one and two intervals on
    time.sleep(3 * interval)  # the loop is busy past all three
    await asyncio.gather(*sends)
    assert len(gone) == 3
    assert min(later - earlier for earlier, later in zip(gone, gone[1:])) >= interval - LATE_SLACK


@needs_redis
async def test_a_redis_turn_read_late_counts_from_when_it_was_asked() -> None:
    """issue 12: the script's answer read 0.2 s late (a busy replica) — the turn it reserved has
    passed, and the limiter says so (a wait below zero) so the send takes a new turn; before, the
    wait counted from the late read and the send went 0.2 s after its place in the schedule (the
    200-learner cluster test offered 37 sends in one second)."""
    from redis.asyncio import Redis

    client = Redis.from_url(LIMITER_REDIS_URL)
    try:
        limiter = RedisSendLimiter(client, f"test-{uuid.uuid4().hex}")
        script = limiter._turn

        async def answer_read_late(*args: object, **kwargs: object) -> object:
            answer = await script(*args, **kwargs)
            await asyncio.sleep(0.2)
            return answer

        limiter._turn = answer_read_late  # type: ignore[assignment]
        assert await limiter.turn(1) <= -0.15
    finally:
        await client.aclose()
