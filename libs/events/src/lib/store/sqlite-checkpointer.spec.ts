import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { eventsDbPath, openSqlite } from './sqlite-database';

describe('SqliteCheckpointer', () => {
  it('runs in the background without holding the process, but holds it while stopping', async () => {
    const file = eventsDbPath(mkdtempSync(join(tmpdir(), 'aia-checkpointer-')));
    const db = openSqlite(file);
    const ref = jest.spyOn(Worker.prototype, 'ref');
    const unref = jest.spyOn(Worker.prototype, 'unref');
    const post = jest.spyOn(Worker.prototype, 'postMessage');
    const checkpointer = new SqliteCheckpointer(db, file, 20);
    checkpointer.start();
    expect(unref).toHaveBeenCalledTimes(1);
    expect(ref).not.toHaveBeenCalled();
    db.exec('CREATE TABLE t (x)');
    for (let i = 0; i < 50; i++) db.prepare('INSERT INTO t VALUES (?)').run(i);
    await new Promise((r) => setTimeout(r, 60));
    // A process with nothing else alive must not exit in the middle of stop() (it did before).
    await checkpointer.stop();
    // Referenced before asking the thread to stop, so the wait for its exit keeps the process alive.
    expect(post).toHaveBeenCalledTimes(1);
    expect(ref.mock.invocationCallOrder[0]).toBeLessThan(post.mock.invocationCallOrder[0]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 50 });
    db.close();
    ref.mockRestore();
    unref.mockRestore();
    post.mockRestore();
  });
});
