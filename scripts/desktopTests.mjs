// Whether the desktop VS Code suite (@vscode/test-electron, .vscode-test.mjs) can run here.
// It downloads VS Code from update.code.visualstudio.com and needs a display; on machines that
// reach only the npm registry (like the ones RNN Lens is built on) it is skipped with the reason.
const UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';
const ALSO = 'the same in-host suite runs in code-server (stage vscode)';

/** Undefined when the desktop suite can run; otherwise a one-line reason why not. */
export async function desktopSkipReason() {
  if (process.env.RNN_LENS_DESKTOP_TESTS === '0') return `RNN_LENS_DESKTOP_TESTS=0; ${ALSO}`;
  try {
    const res = await fetch(UPDATE_SERVER, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    if (res.status >= 500) return `cannot download VS Code: ${UPDATE_SERVER} answered ${res.status}; ${ALSO}`;
  } catch (e) {
    return `no network access to download VS Code (${UPDATE_SERVER}: ${e?.cause?.code ?? e?.name ?? e}); ${ALSO}`;
  }
  if (process.env.RNN_LENS_DESKTOP_TESTS !== '1' && process.platform === 'linux' && !process.env.DISPLAY) {
    return `no display for desktop VS Code (DISPLAY is unset: use xvfb-run, or RNN_LENS_DESKTOP_TESTS=1 to force); ${ALSO}`;
  }
  return undefined;
}
