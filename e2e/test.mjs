// Browser test of the scripts/develop stack, as a user would click it:
// log in, look at the dashboard, add the second emulated printer through the
// config flow (a wrong check code first), open its device page, check the
// entities show the emulator's values, press pause, find the print event
// that made in the activity log (the logbook).
//
// Debian's Chromium, driven by playwright-core (no browser download).
// Environment: HA_URL, HA_USERNAME, HA_PASSWORD, PRINTER_HOST, PRINTER_PORT,
// PRINTER_SERIAL, PRINTER_CHECK_CODE, CHROMIUM, SCREENSHOTS.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const haUrl = (env.HA_URL || 'http://127.0.0.1:8123').replace(/\/$/, '');
const username = env.HA_USERNAME || 'dev';
const password = env.HA_PASSWORD || 'flashforge';
const printer = {
  host: env.PRINTER_HOST || '127.0.0.1',
  port: env.PRINTER_PORT || '8901',
  serial: env.PRINTER_SERIAL || 'SNFFEMU00002',
  checkCode: env.PRINTER_CHECK_CODE || '12345678',
};
const shots = env.SCREENSHOTS || path.join(here, 'screenshots');
const TIMEOUT = 30_000;

function step(message) {
  console.log(`e2e: ${message}`);
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot ${file}`);
}

// The emulator's own view of the printer, over its HTTP API.
async function emulatorDetail() {
  const resp = await fetch(`http://${printer.host}:${printer.port}/detail`, {
    method: 'POST',
    body: JSON.stringify({ serialNumber: printer.serial, checkCode: printer.checkCode }),
  });
  const body = await resp.json();
  if (body.code !== 0) throw new Error(`emulator /detail: ${JSON.stringify(body)}`);
  return body.detail;
}

// Poll fn until it returns a truthy value.
async function until(what, fn, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// The device page's Status sensor row, showing the given state.
const statusRow = (page, state) =>
  page.locator('hui-sensor-entity-row, hui-generic-entity-row, hui-simple-entity-row')
    .filter({ hasText: /\bStatus\b/ }).filter({ hasText: state });

async function login(page) {
  step(`log in at ${haUrl} as ${username}`);
  await page.goto(haUrl);
  await page.waitForURL(/\/auth\/authorize/);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await shot(page, '01-login');
  await page.locator('input[name="password"]').press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/'), { timeout: TIMEOUT });
  // The dashboard scripts/develop saved: the printer's tiles and camera.
  await page.locator('hui-tile-card').first().waitFor({ timeout: TIMEOUT });
  await page.waitForTimeout(3000); // camera and thumbnail images
  await shot(page, '02-dashboard');
}

async function addPrinter(page) {
  step('add the second printer through the config flow');
  await page.goto(`${haUrl}/config/integrations/dashboard`);
  await page.getByRole('button', { name: /add integration/i }).click();
  const search = page.getByPlaceholder(/search/i).last();
  await search.waitFor({ timeout: TIMEOUT });
  await search.fill('FlashForge');
  await page.waitForTimeout(500);
  await shot(page, '03-integration-search');
  await page.getByText('FlashForge', { exact: true }).last().click();
  // The emulated printers answer discovery: skip the discovered one, as a
  // user typing an address would.
  const another = page.getByText(/set up another instance/i);
  const host0 = page.locator('input[name="host"]');
  await another.or(host0).first().waitFor({ timeout: TIMEOUT });
  if (await another.count()) {
    await shot(page, '03b-discovered');
    await another.first().click();
  }

  const host = page.locator('input[name="host"]');
  await host.waitFor({ timeout: TIMEOUT });
  await host.fill(printer.host);
  // The port is a number selector, whose input has no name: the form's only one.
  await page.locator('ha-dialog input[type="number"], dialog input[type="number"], input[type="number"]').first().fill(String(printer.port));
  await page.locator('input[name="serial_number"]').fill(printer.serial);
  await page.locator('input[name="check_code"]').fill('87654321');
  await shot(page, '04-config-flow-form');
  await page.getByRole('button', { name: /^submit$/i }).click();
  await page.getByText('rejected the serial number or the check code').waitFor({ timeout: TIMEOUT });
  await shot(page, '05-config-flow-wrong-check-code');

  step('wrong check code rejected; now the right one');
  await page.locator('input[name="check_code"]').fill(printer.checkCode);
  await page.getByRole('button', { name: /^submit$/i }).click();
  // Success: Home Assistant shows the device it created.
  const finish = page.getByRole('button', { name: /finish/i });
  await finish.first().waitFor({ timeout: TIMEOUT });
  await shot(page, '06-config-flow-success');
  await finish.first().click();
}

async function openDevice(page) {
  step('open the device page');
  await page.goto(`${haUrl}/config/devices/dashboard`);
  const detail = await emulatorDetail();
  await page.getByText(detail.name, { exact: true }).first().click();
  await page.waitForURL(/\/config\/devices\/device\//, { timeout: TIMEOUT });
  await page.getByText(printer.serial).first().waitFor({ timeout: TIMEOUT }).catch(() => {});
  return detail;
}

async function checkEntities(page) {
  step("check the entities show the emulator's values");
  // Firmware, from the device info card.
  const detail = await emulatorDetail();
  await page.getByText(detail.firmwareVersion).first().waitFor({ timeout: TIMEOUT });
  // Status: the emulator's status, as the status sensor shows it.
  await until('the status sensor to show the emulator status', async () => {
    const status = capitalize((await emulatorDetail()).status);
    return (await statusRow(page, status).count()) > 0;
  });
  // Chamber temperature: steady in the emulator, so it can be compared.
  const chamber = `${Math.round((await emulatorDetail()).chamberTemp)}`;
  await until(`the chamber temperature ${chamber} °C`, async () =>
    (await page.locator('hui-sensor-entity-row, hui-generic-entity-row, hui-simple-entity-row')
      .filter({ hasText: 'Chamber temperature' })
      .filter({ hasText: new RegExp(`(^|\\D)${chamber}(\\.0)?\\s*°C`) }).count()) > 0);
  await shot(page, '07-device-page');
}

async function pause(page) {
  step('press pause');
  const before = (await emulatorDetail()).status;
  if (!['printing', 'heating'].includes(before)) {
    throw new Error(`the demo print should be running, the emulator is ${before}`);
  }
  // The Controls card's row for the Pause print button.
  const row = page.locator('hui-button-entity-row, hui-generic-entity-row').filter({ hasText: 'Pause print' });
  await row.getByRole('button', { name: /press/i }).first().click();
  await until('the emulator to pause', async () => (await emulatorDetail()).status === 'paused');
  await until('the status sensor to show Paused', async () =>
    (await statusRow(page, 'Paused').count()) > 0);
  await shot(page, '08-paused');
}

async function activityLog(page, detail) {
  step('open the activity log and find the print event');
  await page.goto(`${haUrl}/logbook`);
  // An entry of the printer's Print event entity, showing the pause.
  const entry = page.locator('.entry')
    .filter({ has: page.locator('.subject', { hasText: /^Print$/ }) })
    .filter({ hasText: /Paused/ })
    .filter({ hasText: detail.name });
  await entry.first().waitFor({ timeout: TIMEOUT });
  await shot(page, '09-activity-log');
}

async function main() {
  await mkdir(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(TIMEOUT);
  // Never leave the machine: anything but the stack's loopback is refused.
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.abort());
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`e2e: page error: ${err.message}`));
  try {
    await login(page);
    await addPrinter(page);
    const detail = await openDevice(page);
    await checkEntities(page);
    await pause(page);
    await activityLog(page, detail);
    step('passed');
  } catch (err) {
    await shot(page, '99-failure').catch(() => {});
    const inputs = await page.locator('input').evaluateAll((els) =>
      els.map((e) => `${e.name}|${e.id}|${e.type}|${e.getAttribute('aria-label')}|${e.getRootNode().host?.localName}|${e.getRootNode().host?.getAttribute('name')}|${e.getRootNode().host?.getAttribute('label')}`)).catch(() => []);
    console.log(inputs.join('\n'));
    throw err;
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`e2e: FAILED: ${err.stack || err}`);
  process.exit(1);
});
