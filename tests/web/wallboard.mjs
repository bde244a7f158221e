// The wallboard in a real browser: Debian's headless Chromium, driven by
// playwright-core, opens http://…/ of a `rai serve` started here with its
// demo data, sees the queue tiles and the agent grid filled from the event
// streams, saves a screenshot, then POSTs a contact waiting in the first
// queue and sees that tile's "Waiting now" change within 2 s.
//
// Usage: node tests/web/wallboard.mjs [SCREENSHOT.png]   (needs target/release/rai)
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shot = process.argv[2] || path.join(root, "target/wallboard.png");
const rai = process.env.RAI_BIN || path.join(root, "target/release/rai");

function fail(message) {
  console.error(`wallboard test FAILED: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

/** Starts `rai serve` on a free port; resolves with its base URL. */
function startServer() {
  const child = spawn(rai, ["serve", "--port", "0", "--demo-contacts", "20000", "--demo-days", "2"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`rai serve did not start:\n${log}`)), 60_000);
    child.stderr.on("data", (d) => {
      log += d;
      const m = /serving (http:\/\/[0-9.:]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`rai serve exited (${code}):\n${log}`)));
  });
}

// A zone where today has some hours behind it (the demo data ends now).
const zone = ["Europe/Helsinki", "America/New_York", "Asia/Tokyo", "Pacific/Honolulu"].find((z) => {
  const hour = Number(new Intl.DateTimeFormat("en-US", { timeZone: z, hour: "numeric", hourCycle: "h23" }).format(new Date()));
  return hour >= 6;
});

const { child, base } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: "en-GB" });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/?tz=${zone}&lang=en-GB&slWarn=45&slAlert=35&stateWarn=3900&stateAlert=4500`);
  await page.waitForSelector(".status.live", { timeout: 15_000 });
  await page.waitForSelector(".tile [data-k=waiting]", { timeout: 15_000 });
  await page.waitForSelector(".agent", { timeout: 15_000 });
  const tiles = await page.locator(".tile").count();
  const agents = await page.locator(".agent").count();
  if (tiles < 2 || agents < 2) fail(`tiles ${tiles}, agents ${agents}`);
  const first = page.locator(".tile").first();
  const queueId = await first.getAttribute("data-queue-id");
  const queueName = await first.getAttribute("data-queue-name");
  const waiting = first.locator("[data-k=waiting]");
  const before = await waiting.textContent();
  for (const k of ["longest", "handled", "abandoned", "serviceLevel"]) {
    if (!(await first.locator(`[data-k=${k}]`).textContent())) fail(`empty ${k}`);
  }
  await page.screenshot({ path: shot, fullPage: true });

  // A contact waiting in that queue now: the tile must show it within 2 s.
  const now = Date.now();
  const row = {
    contactId: randomBytes(16).toString("hex").toUpperCase(),
    type: "CallIn", channel: "Phone", queueId, queueName,
    arrivalTime: new Date(now - 10_000).toISOString(),
    queueArrivalTime: new Date(now - 9_000).toISOString(),
    changeTimestamp: new Date(now - 9_000).toISOString(),
  };
  const posted = Date.now();
  const res = await fetch(`${base}/RI/rai/contacts`, {
    method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: JSON.stringify(row),
  });
  if (res.status !== 201) fail(`POST answered ${res.status}: ${await res.text()}`);
  await page.waitForFunction(
    ([id, old]) => {
      const t = document.querySelector(`.tile[data-queue-id="${id}"] [data-k=waiting]`);
      return t && t.textContent !== old;
    },
    [queueId, before],
    { timeout: 2_000 },
  ).catch(() => fail(`the tile of ${queueName} still shows ${before} 2 s after the POST`));
  const after = await page.locator(`.tile[data-queue-id="${queueId}"] [data-k=waiting]`).textContent();
  const ms = Date.now() - posted;
  if (Number(after) !== Number(before) + 1) fail(`waiting ${before} -> ${after}`);
  if (errors.length) fail(`page errors: ${errors.join("; ")}`);
  console.log(`wallboard ok: ${tiles} queue tiles, ${agents} agents; ${queueName} waiting ${before} -> ${after} ${ms} ms after the POST; screenshot ${shot}`);
} finally {
  await browser.close();
  child.kill("SIGTERM");
}
