import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEvents, startApi, waitForJob } from '../helpers/api-harness.js';

test('POST /images creates a demo image as a job, with progress on the event stream', async () => {
  const api = await startApi();
  try {
    const started = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'x', options: { message: 'hi', delay: 1 } } });
    assert.equal(started.status, 202);
    const job = started.body.job;
    assert.equal(job.status, 'running');
    assert.equal(job.links.self, `/api/v1/jobs/${job.id}`);
    assert.equal(started.headers.get('location'), job.links.self);

    const stream = await readEvents(api, job.links.events);
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? '', /^text\/event-stream/);
    const steps = stream.events.filter((e) => e.event === 'progress' && e.data.type === 'step').map((e) => e.data.step);
    assert.deepEqual(steps, ['create demo folder', 'write temporary file', 'finish']);
    const last = stream.events.at(-1);
    assert.equal(last?.event, 'done');
    assert.equal(last?.data.result.status, 'CREATED');

    const finished = await api.call('GET', job.links.self, { token: api.reader });
    assert.equal(finished.body.job.status, 'succeeded');
    const image = await api.call('GET', '/api/v1/images/x', { token: api.reader });
    assert.equal(image.body.image.status, 'CREATED');
    assert.equal(image.body.image.attributes.my_message, 'hi');

    // A late subscriber gets the whole story and the stream ends.
    const replay = await readEvents(api, job.links.events);
    assert.equal(replay.events.at(-1)?.event, 'done');
  } finally {
    await api.close();
  }
});

test('a job keeps running after the client of its event stream disconnects', async () => {
  const api = await startApi();
  try {
    const started = await api.call('POST', '/api/v1/images', { body: { type: 'DemoImage', name: 'y', options: { message: 'bye', delay: 1 } } });
    const job = started.body.job;
    const partial = await readEvents(api, job.links.events, (event) => event.event === 'progress');
    assert.equal(partial.events.length, 1, 'the client hung up after the first event');
    const seenWhileRunning = await api.call('GET', `/api/v1/images/y`, { token: api.reader });
    assert.equal(seenWhileRunning.body.image.status, 'IN_CREATION');
    const done = await waitForJob(api, job.id);
    assert.equal(done.status, 'succeeded');
    assert.equal((await api.call('GET', '/api/v1/images/y')).body.image.status, 'CREATED');
  } finally {
    await api.close();
  }
});

test('clean runs as a job; a failing job ends with a failed event carrying the error code', async () => {
  const api = await startApi();
  try {
    await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'z', options: { message: 'one' } } });
    await waitForJob(api, (await api.call('GET', '/api/v1/jobs')).body.jobs[0].id);
    const clean = await api.call('POST', '/api/v1/images/z/clean');
    assert.equal(clean.status, 202);
    assert.equal((await waitForJob(api, clean.body.job.id)).status, 'succeeded');
    assert.equal((await api.call('GET', '/api/v1/images/z')).status, 404);

    // A kernel without modules in the given tree: the job starts, then dracut's preflight refuses.
    await writeFile(join(api.services.paths.kernelsDir, 'vmlinuz-9.9-test'), 'not a kernel');
    const tree = join(api.services.paths.workDir, 'empty-tree');
    await mkdir(tree, { recursive: true });
    const initramfs = await api.call('POST', '/api/v1/kernels/vmlinuz-9.9-test/initramfs', { body: { chroot: tree } });
    assert.equal(initramfs.status, 202);
    const stream = await readEvents(api, initramfs.body.job.links.events);
    const last = stream.events.at(-1);
    assert.equal(last?.event, 'failed');
    assert.equal(last?.data.error.code, 'E_CHROOT_KERNEL_MISSING');
    const job = await api.call('GET', initramfs.body.job.links.self);
    assert.equal(job.body.job.status, 'failed');

    const unknown = await api.call('POST', '/api/v1/kernels/vmlinuz-0.0-none/initramfs', { body: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'E_KERNEL_NOT_FOUND');
    assert.equal((await api.call('GET', '/api/v1/jobs/0000')).status, 404);
  } finally {
    await api.close();
  }
});
