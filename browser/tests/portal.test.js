// A portal customer's day, in English and in Spanish: home counters, a new request with an
// attachment, a reply, the statement with its aging, an interest area — and no way into
// another customer's request by editing the URL.
const test = require("node:test");
const assert = require("node:assert");
const { BASE_URL, login, rpc, refId, screenshot, withBrowser } = require("../lib");

const LABELS = {
  en: {
    requests: "Requests", statement: "Account Statement", subscribed: "You are subscribed.",
    optedOut: "You will no longer receive news on this topic.",
  },
  es: {
    requests: "Solicitudes", statement: "Estado de cuenta", subscribed: "Está suscrito.",
    optedOut: "Ya no recibirá noticias sobre este tema.",
  },
};

// As an ERP user: the language camila reads the portal in (installed when needed), and
// the case of the other company's customer she must not reach.
async function prepare(browser, lang) {
  const admin = await login(browser, "admin", "admin");
  if (!(await rpc(admin, "res.lang", "search", [[["code", "=", lang]]])).length) {
    const wizard = await rpc(admin, "base.language.install", "create", [{ lang }]);
    await rpc(admin, "base.language.install", "lang_install", [[wizard]]);
  }
  const [camila] = await rpc(admin, "res.users", "search", [[["login", "=", "camila"]]]);
  await rpc(admin, "res.users", "write", [[camila], { lang }]);
  const nordic = await refId(admin, "crm_extended.partner_nordic_office");
  const [found] = await rpc(admin, "crm.request", "search_read",
    [[["commercial_partner_id", "=", nordic]]], { fields: ["number", "name"], limit: 1 });
  assert.ok(found, "the demo data holds a request of Nordic Office");
  await admin.context().close();
  return found;
}

for (const lang of ["en", "es"]) {
  test(`a portal customer files and follows a request (${lang})`, () => withBrowser(`portal-${lang}`, async (browser) => {
    const other = await prepare(browser, lang === "es" ? "es_ES" : "en_US");
    const page = await login(browser, "camila", "portal");
    const text = LABELS[lang];

    await page.goto(`${BASE_URL}/my/home`);
    const home = await page.textContent(".o_portal_docs");
    assert.ok(home.includes(text.requests) && home.includes(text.statement), home);
    await screenshot(page, `portal_home_${lang}`);

    const subject = `Scratched shelf delivered (${lang} ${Date.now()})`;
    await page.goto(`${BASE_URL}/my/requests/new`);
    await page.selectOption("select[name=request_type_id]", { index: 1 });
    await page.fill("input[name=name]", subject);
    await page.fill("textarea[name=description]", "The top shelf arrived <b>scratched</b>.");
    await page.setInputFiles("input[name=attachments]", {
      name: "shelf.txt", mimeType: "text/plain", buffer: Buffer.from("photo placeholder"),
    });
    await Promise.all([page.waitForNavigation(), page.click(".o_portal_request_form button[type=submit]")]);
    assert.match(page.url(), /\/my\/requests\/\d+/);
    const body = await page.textContent("body");
    assert.ok(body.includes(subject), "the new request is shown");
    assert.match(body, /REQ\/\d{4}\/\d+|[A-Z]+\/\d{4}\/\d+/, "with its case number");
    assert.ok(body.includes("<b>scratched</b>") || !(await page.$("b:text('scratched')")),
      "markup typed by the customer is shown escaped");
    assert.ok(body.includes("shelf.txt"), "the attachment is listed");
    await screenshot(page, `portal_request_${lang}`);

    await page.fill("textarea[name=message]", "Photos follow by post.");
    await Promise.all([page.waitForNavigation(), page.click("textarea[name=message] >> xpath=ancestor::form//button[@type='submit']")]);
    // The portal chatter renders the thread in the page's own script.
  await page.waitForSelector(".o_portal_chatter :text('Photos follow by post.')");

    await page.goto(`${BASE_URL}/my/statement`);
    assert.ok(await page.$(".o_statement_aging"), "the statement shows the aging buckets");
    await screenshot(page, `portal_statement_${lang}`);

    await page.goto(`${BASE_URL}/my/interests`);
    // Subscribe to the first topic, or opt out of it when an earlier run subscribed.
    const topic = page.locator(".o_portal_interests tr").first();
    const subscribing = await topic.locator(".o_interest_subscribe").count() > 0;
    await Promise.all([
      page.waitForNavigation(),
      topic.locator(subscribing ? ".o_interest_subscribe" : ".o_interest_opt_out").click(),
    ]);
    assert.ok((await page.textContent("body")).includes(
      subscribing ? text.subscribed : text.optedOut));

    const response = await page.goto(`${BASE_URL}/my/requests/${other.id}`);
    const leaked = await page.textContent("body");
    assert.ok(response.status() >= 400 || !page.url().includes(`/my/requests/${other.id}`),
      `another company's request answers ${response.status()} at ${page.url()}`);
    assert.ok(!leaked.includes(other.number) && !leaked.includes(other.name),
      "nothing of the other customer's request is shown");
  }));
}
