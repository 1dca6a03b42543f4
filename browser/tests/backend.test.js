// ERP users in the screens they know: a customer with its requests and profitability, a
// request filed from a sale order and moved through the kanban, a quotation made from a
// request, and the profitability pivot grouped and exported.
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const { login, rpc, refId, openWebClient, openForm, idle, screenshot, withBrowser } = require("../lib");

async function pickMany2one(page, field, text) {
  const input = `.o_form_view .o_field_widget[name=${field}] input`;
  await page.fill(input, text);
  await page.click(`.ui-autocomplete:visible li.ui-menu-item:has-text("${text}")`);
}

async function saveForm(page) {
  await page.click(".o_form_button_save");
  await page.waitForSelector(".o_form_view.o_form_readonly");
}

// Smart buttons beyond the box's width sit in its "More" menu: present, not always visible.
async function statButton(page, label) {
  return page.waitForSelector(`.oe_stat_button:has-text("${label}")`, { state: "attached" });
}

test("an ERP user files a request from a sale order, moves it and quotes it", () => withBrowser(`request-flow`, async (browser) => {
  const page = await login(browser, "admin", "admin");
  const customer = await refId(page, "crm_extended.partner_andes_retail");
  await openForm(page, "res.partner", customer);
  await statButton(page, "Requests");
  await statButton(page, "Margin 12m");
  await screenshot(page, "backend_customer_smart_buttons");

  const [order] = await rpc(page, "sale.order", "search",
    [[["partner_id", "child_of", customer]]], { limit: 1 });
  assert.ok(order, "the demo story has an order of Andes Retail");
  await openForm(page, "sale.order", order);
  await (await statButton(page, "Requests")).click();
  await page.waitForSelector(".o_cp_buttons .o-kanban-button-new, .o_cp_buttons .o_list_button_add");
  await page.click(".o_cp_buttons .o-kanban-button-new, .o_cp_buttons .o_list_button_add");
  await page.waitForSelector(".o_form_view.o_form_editable");
  const subject = `Assembly of the order (${Date.now()})`;
  await page.fill(".o_form_view .o_field_widget[name=name]", subject);
  await pickMany2one(page, "request_type_id", "Service Request");
  await saveForm(page);
  const [request] = await rpc(page, "crm.request", "search_read", [[["name", "=", subject]]],
    { fields: ["number", "sale_order_id", "stage_id"] });
  assert.strictEqual(request.sale_order_id[0], order, "the request is linked to its order");
  assert.ok(request.number, "with a case number");
  await screenshot(page, "backend_request_form");

  // Kanban: drag the card into the next stage.
  await openWebClient(page, "action=crm_extended.crm_request_action&view_type=kanban");
  await page.waitForSelector(".o_kanban_view .o_kanban_group");
  const card = page.locator(`.o_kanban_record:has-text("${subject}")`);
  const columns = page.locator(".o_kanban_view .o_kanban_group");
  const from = await card.boundingBox();
  let target = null;
  for (let i = 0; i < await columns.count(); i++) {
    const column = columns.nth(i);
    if (!(await column.locator(`.o_kanban_record:has-text("${subject}")`).count())) {
      const box = await column.boundingBox();
      if (box && box.x > from.x) { target = box; break; }
    }
  }
  assert.ok(target, "a later stage column is on screen");
  await page.mouse.move(from.x + from.width / 2, from.y + 10);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + 20, { steps: 5 });
  await page.mouse.move(target.x + target.width / 2, target.y + 80, { steps: 15 });
  await page.mouse.up();
  await idle(page);
  const [moved] = await rpc(page, "crm.request", "read", [[request.id], ["stage_id"]]);
  assert.notStrictEqual(moved.stage_id[0], request.stage_id[0], "the card changed stage");
  await screenshot(page, "backend_request_kanban");

  // A quotation from a service request filed on the customer.
  const quoted = await rpc(page, "crm.request", "create", [{
    name: "Install the shelving", partner_id: customer,
    request_type_id: await refId(page, "crm_extended.request_type_service"),
  }]);
  await openForm(page, "crm.request", quoted);
  await page.click(".o_form_statusbar button:has-text(\"Create Document\")");
  await page.waitForURL(/model=sale\.order/);
  await page.waitForSelector(".o_form_view .o_field_widget[name=partner_id]");
  await idle(page);
  const [linked] = await rpc(page, "crm.request", "read", [[quoted], ["sale_order_id"]]);
  assert.ok(linked.sale_order_id, "the quotation is linked back to the request");
  await screenshot(page, "backend_quotation_from_request");
}));

test("a manager groups the profitability pivot and downloads it", () => withBrowser(`profitability-pivot`, async (browser) => {
  const page = await login(browser, "admin", "admin");
  await openWebClient(page, "action=crm_extended.crm_profitability_report_action");
  await page.waitForSelector(".o_pivot");
  await idle(page);
  // Rows: customer group, then month.
  await page.click(".o_pivot thead .o_pivot_header_cell_opened, .o_pivot tbody .o_pivot_header_cell_opened");
  await page.click(".o_pivot tbody .o_pivot_header_cell_closed");
  await page.click(".o_pivot_field_menu a:has-text('Customer Group')");
  await idle(page);
  assert.ok(await page.locator(".o_pivot tbody .o_pivot_header_cell_opened").count() >= 1);
  await screenshot(page, "backend_profitability_pivot");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click(".o_pivot_download"),
  ]);
  // an .xlsx workbook (a zip), not Odoo 11's .xls
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const workbook = fs.readFileSync(await download.path());
  assert.equal(workbook.subarray(0, 2).toString(), "PK");
}));
