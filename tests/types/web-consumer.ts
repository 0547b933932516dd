// The `upload-doctor/web` entry: the same API, with `init` as the default export.
import init, { putObject, isUploadError, type InitOutput } from 'upload-doctor/web';

export async function start(url: string, body: Blob): Promise<string> {
  const wasm: InitOutput = await init();
  await init({ module_or_path: new URL('/pkg/web/upload_doctor_bg.wasm', location.href) });
  console.log(wasm.memory.buffer.byteLength);
  try {
    return (await putObject(url, body)).etag;
  } catch (err) {
    if (isUploadError(err) && err.code === 'cors/origin-not-allowed') return err.fix.AllowedOrigins[0] ?? '';
    throw err;
  }
}
