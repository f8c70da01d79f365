// Browser test of the scripts/develop stack, as a user would click it:
// log in, look at the dashboard, add the second emulated printer through the
// config flow (a wrong check code first), open its device page, check the
// entities show the emulator's values, press pause (and find it unavailable
// once nothing prints), find the print event
// that made in the activity log (the logbook); then add a printer that
// speaks only the legacy TCP API (an Adventurer 4) by its address, without
// serial number or check code, check its device page shows the status and
// temperatures the emulator reports over TCP, and pause its print.
//
// Debian's Chromium, driven by playwright-core (no browser download).
// Environment: HA_URL, HA_USERNAME, HA_PASSWORD, PRINTER_HOST, PRINTER_PORT,
// PRINTER_TCP_PORT, PRINTER_SERIAL, PRINTER_CHECK_CODE, LEGACY_HOST,
// LEGACY_PORT (a port nothing serves: the emulated printers share one
// address, and there the config flow must find no HTTP API), LEGACY_TCP_PORT,
// CHROMIUM, SCREENSHOTS.
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
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
  tcpPort: env.PRINTER_TCP_PORT || '9900',
  serial: env.PRINTER_SERIAL || 'SNFFEMU00002',
  checkCode: env.PRINTER_CHECK_CODE || '12345678',
};
const legacy = {
  host: env.LEGACY_HOST || '127.0.0.1',
  port: env.LEGACY_PORT || '8904',
  tcpPort: env.LEGACY_TCP_PORT || '9901',
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

// The legacy printer's own view, over its TCP API as any client asks: take
// control, ask, release. Control is the integration's while it polls, so a
// refusal is retried by until().
function legacyAsk(codes) {
  return new Promise((resolve, reject) => {
    const commands = ['M601 S1', ...codes, 'M602'];
    const replies = [];
    let buffer = '';
    const socket = net.connect({ host: legacy.host, port: Number(legacy.tcpPort) });
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer over TCP')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`~${commands[0]}\r\n`));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      // Each reply ends with a line "ok".
      let end;
      while ((end = buffer.search(/(^|\r?\n)ok\r?\n/)) !== -1) {
        const okAt = buffer.indexOf('ok', end);
        replies.push(buffer.slice(0, okAt));
        buffer = buffer.slice(okAt + 2).replace(/^\r?\n/, '');
        if (replies.length === 1 && !/Control Success/.test(replies[0])) {
          socket.destroy();
          reject(new Error(`control refused: ${replies[0].trim()}`));
          return;
        }
        if (replies.length === commands.length) {
          socket.end();
          resolve(replies.slice(1, -1).join('\n'));
          return;
        }
        socket.write(`~${commands[replies.length]}\r\n`);
      }
    });
  });
}

// What the Adventurer 4 reports: its state (as the status sensor words it)
// and its nozzle and bed temperatures.
async function legacyState() {
  const text = await legacyAsk(['M119', 'M105']);
  const machine = /MachineStatus:\s*(\w+)/.exec(text)?.[1];
  const temps = /T0:\s*(-?[\d.]+)\s*\/\s*[\d.]+\s+B:\s*(-?[\d.]+)/.exec(text);
  const status = {
    READY: 'Ready',
    BUILDING_FROM_SD: 'Printing',
    PAUSED: 'Paused',
    BUILDING_COMPLETED: 'Completed',
    BUSY: 'Busy',
  }[machine];
  if (!status || !temps) throw new Error(`unexpected TCP answer: ${text}`);
  return { status, nozzle: Math.round(Number(temps[1])), bed: Math.round(Number(temps[2])) };
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

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The device page's Status sensor row, showing the given state. As the
// device's main entity the sensor may carry the device's name, not "Status".
const statusRow = (page, device, state) =>
  page.locator('hui-sensor-entity-row, hui-generic-entity-row, hui-simple-entity-row')
    .filter({ hasText: new RegExp(`\\bStatus\\b|${escapeRe(device)}`) })
    .filter({ hasText: state });

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

// Open Add integration, FlashForge, past the discovered printers, to the
// form that takes an address.
async function openUserForm(page, shotName) {
  await page.goto(`${haUrl}/config/integrations/dashboard`);
  await page.getByRole('button', { name: /add integration/i }).click();
  const search = page.getByPlaceholder(/search/i).last();
  await search.waitFor({ timeout: TIMEOUT });
  await search.fill('FlashForge');
  await page.waitForTimeout(500);
  if (shotName) await shot(page, shotName);
  await page.getByText('FlashForge', { exact: true }).last().click();
  // The emulated printers answer discovery: skip the discovered one, as a
  // user typing an address would.
  const another = page.getByText(/set up another instance/i);
  const host0 = page.locator('input[name="host"]');
  await another.or(host0).first().waitFor({ timeout: TIMEOUT });
  if (await another.count()) {
    if (shotName) await shot(page, '03b-discovered');
    await another.first().click();
  }

  await page.locator('input[name="host"]').waitFor({ timeout: TIMEOUT });
}

// Type an address and both ports into the user form. The ports are number
// selectors, whose inputs have no name: the HTTP port's comes first.
async function fillAddress(page, { host, port, tcpPort }) {
  await page.locator('input[name="host"]').fill(host);
  const ports = page.locator('input[type="number"]');
  await ports.nth(0).fill(String(port));
  await ports.nth(1).fill(String(tcpPort));
}

async function addPrinter(page) {
  step('add the second printer through the config flow');
  await openUserForm(page, '03-integration-search');
  await fillAddress(page, printer);
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
    return (await statusRow(page, detail.name, status).count()) > 0;
  });
  // Chamber temperature: steady in the emulator, so it can be compared.
  const chamber = `${Math.round((await emulatorDetail()).chamberTemp)}`;
  await until(`the chamber temperature ${chamber} °C`, async () =>
    (await page.locator('hui-sensor-entity-row, hui-generic-entity-row, hui-simple-entity-row')
      .filter({ hasText: 'Chamber temperature' })
      .filter({ hasText: new RegExp(`(^|\\D)${chamber}(\\.0)?\\s*°C`) }).count()) > 0);
  await shot(page, '07-device-page');
}

// The Press button of a button entity's row in the device page's Controls
// card; it is disabled while the entity is unavailable.
const pressOf = (page, name) =>
  page.locator('hui-button-entity-row, hui-generic-entity-row').filter({ hasText: name })
    .getByRole('button', { name: /press/i }).first();

// Press the device page's Pause print button; printerStatus() tells the
// printer's own state, as the status sensor words it. A button that cannot
// act is unavailable: Resume while printing, Pause once nothing prints.
async function pause(page, device, printerStatus, shotName) {
  step('press pause');
  const before = await printerStatus();
  if (!['Printing', 'Heating'].includes(before)) {
    throw new Error(`the demo print should be running, the emulator is ${before}`);
  }
  await until('Resume print to be unavailable while printing', () =>
    pressOf(page, 'Resume print').isDisabled());
  await pressOf(page, 'Pause print').click();
  // The page first: asking a TCP printer while the press is on its way would
  // hold the control the integration needs to send it (one holder at a time).
  await until('the status sensor to show Paused', async () =>
    (await statusRow(page, device, 'Paused').count()) > 0);
  await until('the emulator to pause', async () => (await printerStatus()) === 'Paused');
  step('nothing prints: Pause print is unavailable, Resume print available');
  await until('Pause print to be unavailable while nothing prints', () =>
    pressOf(page, 'Pause print').isDisabled());
  await until('Resume print to be available while paused', () =>
    pressOf(page, 'Resume print').isEnabled());
  await shot(page, shotName);
}

async function activityLog(page, detail) {
  step('open the activity log and find the print event');
  // An entry of the printer's Print status event entity, showing the pause
  // in its translated words.
  const entry = page.locator('.entry')
    .filter({ has: page.locator('.subject', { hasText: /^Print status$/ }) })
    .filter({ hasText: /Paused/ })
    .filter({ hasText: detail.name });
  // On a loaded machine the frontend can draw the log before it has the
  // entities' translations ("paused", "off") and never draws it again, so
  // the page is opened afresh until the entry shows.
  await until('the translated print event in the activity log', async () => {
    await page.goto(`${haUrl}/logbook`);
    await entry.first().waitFor({ timeout: 10_000 });
    return true;
  }, 2 * TIMEOUT);
  await shot(page, '09-activity-log');
}

async function addLegacyPrinter(page) {
  step('add the Adventurer 4 by its address: no serial number, no check code');
  await openUserForm(page);
  await fillAddress(page, legacy);
  await shot(page, '10-legacy-config-flow-form');
  await page.getByRole('button', { name: /^submit$/i }).click();
  const finish = page.getByRole('button', { name: /finish/i });
  await finish.first().waitFor({ timeout: TIMEOUT });
  await shot(page, '11-legacy-config-flow-success');
  await finish.first().click();
}

async function checkLegacyDevice(page) {
  step('open the Adventurer 4 and check its status and temperatures');
  await page.goto(`${haUrl}/config/devices/dashboard`);
  await page.getByText('Adventurer 4', { exact: true }).first().click();
  await page.waitForURL(/\/config\/devices\/device\//, { timeout: TIMEOUT });
  // Both read at once: the printer's answer over TCP, and the page.
  await until('the status sensor to show the printer state', async () => {
    const { status } = await legacyState();
    return (await statusRow(page, 'Adventurer 4', status).count()) > 0;
  });
  for (const [label, key] of [['Nozzle temperature', 'nozzle'], ['Bed temperature', 'bed']]) {
    await until(`the ${label.toLowerCase()} the printer reports`, async () => {
      const value = (await legacyState())[key];
      return (await page.locator('hui-sensor-entity-row, hui-generic-entity-row, hui-simple-entity-row')
        .filter({ hasText: label })
        .filter({ hasText: new RegExp(`(^|\\D)${value}(\\.0)?\\s*°C`) }).count()) > 0;
    });
  }
  await shot(page, '12-legacy-device-page');
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
    await pause(page, detail.name, async () => capitalize((await emulatorDetail()).status), '08-paused');
    await activityLog(page, detail);
    await addLegacyPrinter(page);
    await checkLegacyDevice(page);
    // The command goes over TCP: M25 in a session of its own.
    await pause(page, 'Adventurer 4', async () => (await legacyState()).status, '13-legacy-paused');
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
