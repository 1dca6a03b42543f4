// Shared steps of the browser tests: a headless Debian Chromium, logins, JSON-RPC lookups and
// screenshots. Playwright's Node client drives the system browser (no browser download).
const path = require("path");
const { chromium } = require("playwright-core");

const BASE_URL = process.env.BASE_URL || "http://127.0.0.1:18090";

async function openBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

async function submitLogin(page, loginName, password) {
  await page.goto(`${BASE_URL}/web/login`);
  await page.fill("input[name=login]", loginName);
  await page.fill("input[name=password]", password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: "domcontentloaded" }),
    page.click("form.oe_login_form button[type=submit]"),
  ]);
}

async function login(browser, loginName, password) {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  // Generous: CI machines are shared and the first page compiles the assets.
  page.setDefaultTimeout(90000);
  await submitLogin(page, loginName, password);
  return page;
}

async function jsonRpc(page, url, params) {
  const response = await page.evaluate(async ([u, p]) => {
    const r = await fetch(u, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: p }),
    });
    return r.json();
  }, [url, params]);
  if (response.error) {
    throw new Error(`${url}: ${JSON.stringify(response.error.data || response.error)}`);
  }
  return response.result;
}

// Model methods as the logged-in user, the way the web client calls them.
function rpc(page, model, method, args, kwargs) {
  return jsonRpc(page, "/web/dataset/call_kw", { model, method, args, kwargs: kwargs || {} });
}

async function recordId(page, model, domain) {
  const ids = await rpc(page, model, "search", [domain], { limit: 1 });
  if (!ids.length) throw new Error(`no ${model} matches ${JSON.stringify(domain)}`);
  return ids[0];
}

async function refId(page, xmlid) {
  const id = await rpc(page, "ir.model.data", "xmlid_to_res_id", [xmlid, true]);
  return id;
}

// A fresh load of the web client on `hash`: from one /web#... to another the browser only
// changes the fragment, which the web client may ignore while it is still starting.
async function openWebClient(page, hash) {
  await page.goto(`${BASE_URL}/web?load=${Date.now()}#${hash}`);
}

async function openForm(page, model, id) {
  await openWebClient(page, `model=${model}&id=${id}&view_type=form`);
  await page.waitForSelector(".o_form_view");
  await idle(page);
}

// The web client's own loading indicator, not network idleness: the bus long-polls forever.
async function idle(page) {
  await page.waitForFunction(() => {
    const busy = document.querySelector(".o_loading, .blockUI");
    return !busy || busy.offsetParent === null;
  });
  await page.waitForTimeout(300);
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(process.env.SCREENSHOTS || ".", `${name}.png`) });
}

// Runs one scenario in its own browser; on failure the last page is kept as a screenshot
// (failure-<name>.png) next to the others, which is what one looks at first.
async function withBrowser(name, scenario) {
  const browser = await openBrowser();
  try {
    await scenario(browser);
  } catch (error) {
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        await page.screenshot({
          path: path.join(process.env.SCREENSHOTS || ".", `failure-${name}.png`),
        }).catch(() => {});
      }
    }
    throw error;
  } finally {
    await browser.close();
  }
}

module.exports = { BASE_URL, openBrowser, login, rpc, recordId, refId, openWebClient, openForm, idle, screenshot, withBrowser };
