// Waiting in the e2e suites: on conditions only, with generous bounds, and a bound that is hit says what was awaited.
// A loaded machine (CI shares its two cores) is slow, never wrong: every bound a test states is multiplied by
// `scale` (E2E_TIMEOUT_SCALE, default 3), so the numbers in the tests stay the ones seen on an idle machine.
const DEFAULT_MS = 30_000;

/** Scales the bounds of the page's locator waits and actions, and names the locator and state when one is hit. */
export function patientWaits(page, scale) {
  page.setDefaultTimeout(DEFAULT_MS * scale);
  page.setDefaultNavigationTimeout(DEFAULT_MS * scale * 2);
  const Locator = Object.getPrototypeOf(page.locator('body'));
  for (const method of ['waitFor', 'click', 'fill', 'press']) {
    const original = Locator[method];
    if (Locator[`${method}Patient`]) continue;
    Locator[`${method}Patient`] = original;
    Locator[method] = async function (...args) {
      const at = method === 'waitFor' || method === 'click' ? 0 : 1; // fill(value, options), press(key, options)
      const options = { ...(args[at] ?? {}) };
      const ms = (options.timeout ?? DEFAULT_MS) * scale;
      args[at] = { ...options, timeout: ms };
      try {
        return await original.apply(this, args);
      } catch (e) {
        if (!/Timeout \d+ms exceeded/.test(String(e?.message))) throw e;
        const what = method === 'waitFor' ? `to be ${options.state ?? 'visible'}` : `to ${method}`;
        throw new Error(`gave up after ${ms / 1000} s waiting for ${this} ${what}\n${e.message}`, { cause: e });
      }
    };
  }
  const waitForSelector = page.waitForSelector.bind(page);
  page.waitForSelector = async (selector, options = {}) => {
    const ms = (options.timeout ?? DEFAULT_MS) * scale;
    try {
      return await waitForSelector(selector, { ...options, timeout: ms });
    } catch (e) {
      if (!/Timeout \d+ms exceeded/.test(String(e?.message))) throw e;
      throw new Error(`gave up after ${ms / 1000} s waiting for ${selector}\n${e.message}`, { cause: e });
    }
  };
}

/**
 * For page.evaluate: resolves when the page's finite animations and transitions (a fade-out) have ended. Endless
 * ones (a spinning sync icon) are left out, and a cancelled one counts as ended.
 */
export function finiteAnimations() {
  return Promise.all(
    document
      .getAnimations()
      .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
      .map((a) => a.finished.catch(() => undefined)),
  ).then(() => undefined);
}

/** Resolves with `probe()`'s first truthy value, checked every `everyMs`; past `ms` throws naming `what`. */
export async function waitUntil(what, probe, ms, everyMs = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
