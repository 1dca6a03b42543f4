// The two doors of the addon open in a real browser: the back office and the portal.
const test = require("node:test");
const assert = require("node:assert");
const { BASE_URL, login, refId, openForm, screenshot, withBrowser } = require("../lib");

test("an ERP user opens a customer of the demo story", () => withBrowser(`smoke-backend`, async (browser) => {
  const page = await login(browser, "admin", "admin");
  const partnerId = await refId(page, "crm_extended.partner_andes_retail");
  await openForm(page, "res.partner", partnerId);
  assert.match(await page.textContent(".o_form_view"), /Andes Retail/);
  await screenshot(page, "backend_customer");
}));

test("a portal customer reaches their home page", () => withBrowser(`smoke-portal`, async (browser) => {
  const page = await login(browser, "camila", "portal");
  await page.goto(`${BASE_URL}/my/home`);
  assert.match(await page.textContent("body"), /Camila Rojas/);
  await screenshot(page, "portal_home");
}));
