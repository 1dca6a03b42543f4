#!/usr/bin/env python3
"""Fill a crm_extended database with realistic sales data at a chosen scale.

    generate.py -c CONF -d DB --lines 200000 [--customers 20000] [--seed 0.42]

Reference data (salespeople, teams, customer groups, campaigns, currencies and rates,
product categories, products, pricelists) goes through the ORM: a few hundred records.
The volume (customers, sale orders and their lines, posted customer invoices and credit
notes with their lines, in three currencies) is written by set-based SQL, deterministic
for a seed: a million invoice lines take a few minutes. Invoices are posted without
journal entries: the benchmarks read invoices, not the ledger.

The data is marked (partners' ``ref`` = 'bench'); running again on a filled database
does nothing unless --force, which adds a second batch.
"""
import logging
import time

from standalone import arguments, in_database

_logger = logging.getLogger("bench.generate")

MONTHS = 36                      # invoices spread over the last three years
REFUND_SHARE = 0.08
ORDER_SHARE = 1 / 3.0            # invoices made from a sale order
FOREIGN = (("EUR", 0.10, 0.92), ("GBP", 0.05, 0.79))   # (currency, share, rate)


def log(message, started):
    print("  %-58s %6.1f s" % (message, time.time() - started), flush=True)


class Generator:

    def __init__(self, env, lines, customers, seed):
        self.env = env
        self.cr = env.cr
        self.lines = lines
        self.invoices = max(3, lines // 2 // 3 * 3)   # 1, 2 or 3 lines each: 2 on average
        self.customers = customers
        self.seed = seed
        self.company = env.ref("base.main_company")

    def run(self):
        started = time.time()
        self.cr.execute("SELECT setseed(%s)", (self.seed,))
        ref = self._reference_data()
        log("reference data (ORM)", started)
        self._customers(ref)
        log("%d customers" % self.customers, started)
        self._invoices(ref)
        log("%d invoices, %d lines" % (self.invoices, self.lines), started)
        self._orders(ref)
        log("sale orders of a third of the invoices", started)
        # the rows were written in SQL, behind the ORM that keeps the facts current
        self.env["crm.profitability.line"]._fill()
        log("profitability facts", started)
        self.cr.execute("ANALYZE")
        log("analyze", started)

    # -- reference data, through the ORM -------------------------------------------------
    def _reference_data(self):
        env = self.env
        company = self.company
        users = env["res.users"].with_context(no_reset_password=True)
        salesman_group = env.ref("sales_team.group_sale_salesman")
        sellers = users.search([("login", "like", "bench_seller_%")])
        for i in range(len(sellers), 12):
            sellers |= users.create({"name": "Seller %02d" % i, "login": "bench_seller_%02d" % i,
                                     "groups_id": [(6, 0, salesman_group.ids)]})
        teams = env["crm.team"].search([("name", "like", "Bench channel %")])
        for name in ("Direct", "Web", "Partners"):
            if not teams.filtered(lambda t, n=name: t.name.endswith(n)):
                teams |= env["crm.team"].create({"name": "Bench channel %s" % name})
        groups = env["crm.customer.group"].search([("code", "like", "BENCH%")])
        for i, name in enumerate(("Key accounts", "Wholesale", "Retail", "Public sector",
                                  "Distributors", "Online")):
            if not groups.filtered(lambda g, n=name: g.name == n):
                groups |= groups.create({"name": name, "code": "BENCH%d" % i})
        campaigns = env["utm.campaign"].search([("name", "like", "Bench campaign %")])
        for i in range(len(campaigns), 30):
            campaigns |= campaigns.create({"name": "Bench campaign %02d" % i})
        categories = env["product.category"].search([("name", "like", "Bench category %")])
        for i in range(len(categories), 12):
            categories |= categories.create({"name": "Bench category %02d" % i})
        products = env["product.product"].search([("default_code", "like", "BENCH-%")])
        for i in range(len(products), 400):
            price = 5 + (i * 37) % 995
            products |= products.create({
                "name": "Bench product %03d" % i, "default_code": "BENCH-%03d" % i,
                "categ_id": categories[i % len(categories)].id, "type": "consu",
                "list_price": price, "standard_price": round(price * (0.45 + (i % 7) / 20.0), 2),
                "taxes_id": [(6, 0, [])]})
        currencies = {company.currency_id.id: (1.0, env.ref("product.list0"))}
        for code, _share, rate in FOREIGN:
            currency = env.ref("base.%s" % code)
            currency.active = True
            if currency == company.currency_id:
                continue
            env["res.currency.rate"].search([("currency_id", "=", currency.id),
                                            ("company_id", "=", company.id)]).unlink()
            env["res.currency.rate"].create({"currency_id": currency.id, "rate": rate,
                                             "name": "2000-01-01", "company_id": company.id})
            pricelist = env["product.pricelist"].search([("currency_id", "=", currency.id)],
                                                        limit=1) or \
                env["product.pricelist"].create({"name": "Bench %s" % code,
                                                 "currency_id": currency.id})
            currencies[currency.id] = (rate, pricelist)
        journal = env["account.journal"].search([("type", "=", "sale"),
                                                 ("company_id", "=", company.id)], limit=1)
        receivable = env["ir.property"].with_context(force_company=company.id).get(
            "property_account_receivable_id", "res.partner")
        countries = env["res.country"].search([("code", "in", (
            "US", "BE", "FR", "DE", "ES", "GB", "NL", "IT", "CL", "MX"))])
        states = env["res.country.state"].search([("country_id", "in", countries.ids)])
        return {
            "sellers": sellers.ids, "teams": teams.ids, "groups": groups.ids,
            "campaigns": campaigns.ids, "products": products.ids,
            "countries": countries.ids, "states": states.ids,
            "currencies": currencies, "journal": journal,
            "income": journal.default_credit_account_id.id,
            "receivable": receivable.id,
        }

    # -- volume, set-based SQL ------------------------------------------------------------
    def _customers(self, ref):
        self.cr.execute("""
            INSERT INTO res_partner (name, display_name, ref, is_company, customer, supplier,
                                     employee, active, type, lang, country_id,
                                     customer_group_id, user_id, invoice_warn, sale_warn,
                                     color, create_uid, write_uid, create_date, write_date)
            SELECT 'Bench customer ' || lpad(g::text, 6, '0'),
                   'Bench customer ' || lpad(g::text, 6, '0'), 'bench', TRUE, TRUE, FALSE,
                   FALSE, TRUE, 'contact', 'en_US',
                   (%(countries)s::int[])[1 + floor(random() * %(n_countries)s)],
                   CASE WHEN random() < 0.85
                        THEN (%(groups)s::int[])[1 + floor(random() * %(n_groups)s)] END,
                   (%(sellers)s::int[])[1 + floor(random() * %(n_sellers)s)],
                   'no-message', 'no-message', 0, 1, 1, now(), now()
              FROM generate_series(1, %(customers)s) g;
            -- without fresh statistics, the foreign-key check of the self-reference below
            -- is planned for an empty table: a full scan per row, hours at 100k customers
            ANALYZE res_partner;
            UPDATE res_partner SET commercial_partner_id = id
             WHERE ref = 'bench' AND commercial_partner_id IS NULL;
            -- a state for the partners of countries that have states
            UPDATE res_partner p SET state_id = s.id
              FROM (SELECT DISTINCT ON (country_id) country_id, id FROM res_country_state
                     WHERE id = ANY(%(states)s) ORDER BY country_id, id) s
             WHERE p.ref = 'bench' AND p.country_id = s.country_id AND p.id %% 2 = 0;
        """, self._arrays(ref, customers=self.customers))

    def _arrays(self, ref, **extra):
        values = dict(extra)
        for key in ("countries", "groups", "sellers", "teams", "campaigns", "products",
                    "states"):
            values[key] = ref[key]
            values["n_" + key] = len(ref[key])
        return values

    def _invoices(self, ref):
        cr = self.cr
        company = self.company
        # the customers of this batch; customer k is chosen with a probability falling with
        # k (random()^2), so that a fifth of the customers make most of the revenue.
        # Random picks join numbered temp tables: an array of 100,000 ids indexed per row
        # would be rebuilt for every row.
        cr.execute("""
            CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id
              FROM res_partner WHERE ref = 'bench';
            CREATE UNIQUE INDEX ON bench_customer (idx);
            SELECT COUNT(*) FROM bench_customer;
        """)
        n_customers = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_invoice")
        first_invoice = cr.fetchone()[0] + 1
        foreign = [(self.env.ref("base.%s" % code).id, share, rate)
                   for code, share, rate in FOREIGN
                   if self.env.ref("base.%s" % code) != company.currency_id]
        cr.execute("""
            CREATE TEMP TABLE bench_invoice ON COMMIT DROP AS
            SELECT draw.n, %(first)s + draw.n - 1 AS id, c.id AS partner_id,
                   (current_date - floor(random() * %(days)s)::int) AS date_invoice,
                   CASE WHEN random() < %(refund_share)s THEN 'out_refund'
                        ELSE 'out_invoice' END AS type,
                   CASE WHEN random() < 0.03 THEN 'draft' WHEN random() < 0.02 THEN 'cancel'
                        WHEN random() < 0.75 THEN 'paid' ELSE 'open' END AS state,
                   random() AS currency_draw,
                   (%(sellers)s::int[])[1 + floor(random() * %(n_sellers)s)] AS user_id,
                   (%(teams)s::int[])[1 + floor(random() * %(n_teams)s)] AS team_id,
                   CASE WHEN random() < 0.4
                        THEN (%(campaigns)s::int[])[1 + floor(random() * %(n_campaigns)s)]
                   END AS campaign_id
              FROM (SELECT g AS n, floor(power(random(), 2) * %(n_customers)s)::bigint AS idx
                      FROM generate_series(1, %(invoices)s) g) draw
              JOIN bench_customer c ON c.idx = draw.idx;
            ALTER TABLE bench_invoice ADD COLUMN currency_id int, ADD COLUMN rate numeric;
            UPDATE bench_invoice SET currency_id = %(company_currency)s, rate = 1;
        """, self._arrays(ref, first=first_invoice, n_customers=n_customers,
                          days=MONTHS * 30.4,
                          refund_share=REFUND_SHARE, invoices=self.invoices,
                          company_currency=company.currency_id.id))
        low = 0.0
        for currency_id, share, rate in foreign:
            cr.execute("""UPDATE bench_invoice SET currency_id = %s, rate = %s
                           WHERE currency_draw >= %s AND currency_draw < %s""",
                       (currency_id, rate, low, low + share))
            low += share
        cr.execute("""
            INSERT INTO account_invoice (id, number, move_name, reference_type, type, state,
                   partner_id, commercial_partner_id, account_id, journal_id, company_id,
                   currency_id, date_invoice, date_due, date, user_id, team_id, campaign_id,
                   name, origin, sent, reconciled, create_uid, write_uid, create_date,
                   write_date)
            SELECT i.id, 'BINV/' || i.id, 'BINV/' || i.id, 'none', i.type, i.state,
                   i.partner_id, i.partner_id, %(receivable)s, %(journal)s, %(company)s,
                   i.currency_id, i.date_invoice, i.date_invoice + 30, i.date_invoice,
                   i.user_id, i.team_id, i.campaign_id, NULL, NULL, FALSE,
                   i.state = 'paid', 1, 1, now(), now()
              FROM bench_invoice i;
            SELECT setval('account_invoice_id_seq', (SELECT MAX(id) FROM account_invoice));

            CREATE TEMP TABLE bench_product ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY p.id) AS idx, p.id AS product_id, t.name,
                   t.uom_id, t.list_price, COALESCE(prop.value_float, 0)::numeric AS cost
              FROM product_product p
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN ir_property prop ON prop.res_id = 'product.product,' || p.id
                                        AND prop.name = 'standard_price'
                                        AND prop.company_id = %(company)s
             WHERE p.id = ANY(%(products)s);

            INSERT INTO account_invoice_line (invoice_id, sequence, name, product_id, uom_id,
                   account_id, quantity, price_unit, discount, price_subtotal, price_total,
                   price_subtotal_signed, cost_price, margin, company_id, partner_id,
                   currency_id, create_uid, write_uid, create_date, write_date)
            SELECT l.invoice_id, l.seq, l.name, l.product_id, l.uom_id, %(income)s,
                   l.qty, l.price_unit, l.discount, l.subtotal, round(l.subtotal * 1.15, 2),
                   l.sign * round(l.subtotal / l.rate, 2), l.cost,
                   l.sign * round(l.subtotal / l.rate, 2) - l.sign * l.cost * l.qty,
                   %(company)s, l.partner_id, l.currency_id, 1, 1, now(), now()
              FROM (
                SELECT d.*, p.product_id, p.name, p.uom_id, p.cost,
                       round(p.list_price * d.rate * d.price_factor, 2) AS price_unit,
                       round(d.qty * round(p.list_price * d.rate * d.price_factor, 2)
                             * (1 - d.discount / 100.0), 2) AS subtotal
                  FROM (
                    SELECT i.id AS invoice_id, s.seq, i.partner_id, i.currency_id,
                           i.rate::numeric AS rate,
                           CASE WHEN i.type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                           1 + floor(random() * %(n_products)s) AS idx,
                           (1 + floor(random() * 10))::numeric AS qty,
                           CASE WHEN random() < 0.2 THEN 10.0 WHEN random() < 0.1 THEN 5.0
                                ELSE 0.0 END AS discount,
                           (0.85 + random() * 0.25)::numeric AS price_factor
                      FROM bench_invoice i
                     CROSS JOIN LATERAL generate_series(1, 1 + i.n %% 3) s(seq)
                  ) d
                  JOIN bench_product p ON p.idx = d.idx
              ) l;

            UPDATE account_invoice inv
               SET amount_untaxed = t.untaxed, amount_tax = t.total - t.untaxed,
                   amount_total = t.total,
                   amount_untaxed_signed = t.signed,
                   amount_total_signed = t.sign * t.total,
                   amount_total_company_signed = round(t.sign * t.total / t.rate, 2),
                   residual = CASE WHEN inv.state = 'open' THEN t.total ELSE 0 END,
                   residual_signed = CASE WHEN inv.state = 'open' THEN t.sign * t.total
                                          ELSE 0 END,
                   residual_company_signed = CASE WHEN inv.state = 'open'
                                                  THEN round(t.sign * t.total / t.rate, 2)
                                                  ELSE 0 END,
                   margin = t.margin,
                   margin_percent = CASE WHEN t.signed <> 0 THEN 100 * t.margin / t.signed
                                         ELSE 0 END
              FROM (SELECT l.invoice_id, SUM(l.price_subtotal) AS untaxed,
                           SUM(l.price_total) AS total, SUM(l.price_subtotal_signed) AS signed,
                           SUM(l.margin) AS margin, MIN(b.rate) AS rate,
                           MIN(CASE WHEN b.type = 'out_refund' THEN -1 ELSE 1 END) AS sign
                      FROM account_invoice_line l JOIN bench_invoice b ON b.id = l.invoice_id
                  GROUP BY l.invoice_id) t
             WHERE inv.id = t.invoice_id;
        """, self._arrays(ref, receivable=ref["receivable"], journal=ref["journal"].id,
                          company=company.id, income=ref["income"]))
        self.first_invoice = first_invoice

    def _orders(self, ref):
        """A sale order for every third invoice, line for line, linked as Odoo links them."""
        cr = self.cr
        company = self.company
        pricelists = {currency_id: pricelist.id
                      for currency_id, (_rate, pricelist) in ref["currencies"].items()}
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM sale_order")
        order_base = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM sale_order_line")
        line_base = cr.fetchone()[0]
        cr.execute("""SELECT MIN(id) FROM account_invoice_line
                       WHERE invoice_id >= %s""", (self.first_invoice,))
        first_line = cr.fetchone()[0]
        cr.execute("""
            CREATE TEMP TABLE bench_pricelist (currency_id int, pricelist_id int) ON COMMIT DROP;
            INSERT INTO bench_pricelist VALUES %s;
        """ % ", ".join("(%d, %d)" % item for item in pricelists.items()))
        cr.execute("""
            INSERT INTO sale_order (id, name, state, date_order, confirmation_date,
                   partner_id, partner_invoice_id, partner_shipping_id, pricelist_id,
                   company_id, user_id, team_id, campaign_id, invoice_status, amount_untaxed,
                   amount_tax, amount_total, create_uid, write_uid, create_date, write_date)
            SELECT %(order_base)s + b.n, 'BSO/' || b.id, 'sale', b.date_invoice - 2,
                   b.date_invoice - 2, b.partner_id, b.partner_id, b.partner_id,
                   pl.pricelist_id, %(company)s, b.user_id, b.team_id, b.campaign_id,
                   'invoiced', inv.amount_untaxed, inv.amount_tax, inv.amount_total,
                   1, 1, now(), now()
              FROM bench_invoice b
              JOIN account_invoice inv ON inv.id = b.id
              JOIN bench_pricelist pl ON pl.currency_id = b.currency_id
             WHERE b.type = 'out_invoice' AND b.n %% 3 = 0;
            SELECT setval('sale_order_id_seq', (SELECT MAX(id) FROM sale_order));
            UPDATE account_invoice inv SET origin = 'BSO/' || inv.id
              FROM bench_invoice b WHERE b.id = inv.id AND b.type = 'out_invoice'
               AND b.n %% 3 = 0;

            INSERT INTO sale_order_line (id, order_id, sequence, name, product_id,
                   product_uom, product_uom_qty, qty_invoiced, qty_delivered, price_unit,
                   discount, price_subtotal, price_total, price_reduce, customer_lead, state,
                   invoice_status, company_id, order_partner_id, salesman_id, currency_id,
                   create_uid, write_uid, create_date, write_date)
            SELECT %(line_base)s + l.id - %(first_line)s + 1, %(order_base)s + b.n, l.sequence,
                   l.name, l.product_id, l.uom_id, l.quantity, l.quantity, l.quantity,
                   l.price_unit, l.discount, l.price_subtotal, l.price_total,
                   l.price_unit * (1 - l.discount / 100.0), 0, 'sale', 'invoiced',
                   %(company)s, b.partner_id, b.user_id, b.currency_id, 1, 1, now(), now()
              FROM account_invoice_line l
              JOIN bench_invoice b ON b.id = l.invoice_id
             WHERE b.type = 'out_invoice' AND b.n %% 3 = 0;
            SELECT setval('sale_order_line_id_seq', (SELECT MAX(id) FROM sale_order_line));

            INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
            SELECT l.id, %(line_base)s + l.id - %(first_line)s + 1
              FROM account_invoice_line l
              JOIN bench_invoice b ON b.id = l.invoice_id
             WHERE b.type = 'out_invoice' AND b.n %% 3 = 0;
        """, {"order_base": order_base, "line_base": line_base, "first_line": first_line,
              "company": company.id})


def main():
    parser = arguments(__doc__)
    parser.add_argument("--lines", type=int, default=200000, help="customer invoice lines")
    parser.add_argument("--customers", type=int, help="default: one per ten lines")
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--force", action="store_true", help="add a batch to a filled database")
    args = parser.parse_args()

    def fill(env):
        env.cr.execute("SELECT COUNT(*) FROM res_partner WHERE ref = 'bench'")
        if env.cr.fetchone()[0] and not args.force:
            print("generate: %s already holds bench data (use --force to add more)"
                  % args.database)
            return
        print("generate: %d invoice lines into %s" % (args.lines, args.database))
        Generator(env, args.lines, args.customers or max(10, args.lines // 10),
                  args.seed).run()
    in_database(args, fill, {"tracking_disable": True}, keep=True)


if __name__ == "__main__":
    main()
