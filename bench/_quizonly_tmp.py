import bot  # noqa
import asyncio, sys, tempfile, time, random
from pathlib import Path
from bench.scale_seed import build_app, read_rows, seed_in_subprocess
from bench.scale_updates import FakeTelegram, answer_update
from bench.scale_measure import running, max_update_id
from bot.startup_heap import freeze_startup_heap
async def main():
    n = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        d = Path(folder); url = f"sqlite+aiosqlite:///{d/'q.db'}"
        seed_in_subprocess(url, d, 6000, n + 200, 10)
        app = build_app(url, d); await app.prepare(); freeze_startup_heap()
        FakeTelegram(app.bot)
        att = await running(app)
        first = max(10_000_000, await max_update_id(app) + 1)
        uids = sorted(att)
        random.Random(3).shuffle(uids)
        for i, uid in enumerate(uids[:50]):
            a, p = att[uid]; await app.dispatcher.feed_update(app.bot, answer_update(first + i, uid, a, p))
        print("ready", flush=True); await asyncio.sleep(1.5)
        t = time.process_time()
        for i, uid in enumerate(uids[50:50 + n]):
            a, p = att[uid]; await app.dispatcher.feed_update(app.bot, answer_update(first + 100 + i, uid, a, p))
        print(f"{n} answers, {1000*(time.process_time()-t)/n:.2f} ms CPU each", flush=True)
        await app.stop() if hasattr(app, "stop") else None
asyncio.run(main())
