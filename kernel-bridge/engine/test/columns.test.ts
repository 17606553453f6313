import { readFileSync } from 'node:fs';
import path from 'node:path';
import { viewColumns } from '../src/columns';
import { compileNotebook } from '../src/compile';
import { defect, notebook } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../sample-workspace/notebooks');

function columnsOf(cells: string[]): Record<string, string[]> {
  return Object.fromEntries(viewColumns(compileNotebook(notebook(cells))));
}

const EXTRACT = `{
  "type": "DeltaLakeExtract",
  "name": "read customers",
  "environments": ["dev"],
  "inputURI": "s3a://lake/delta/customers",
  "outputView": "customers_raw"
}`;

const CUSTOMERS = `%sql outputView=customers environments=dev
SELECT customer_id, TRIM(name) AS name, lower(email) AS email, state,
       CAST(signup_date AS DATE) AS signup_date
FROM customers_raw
WHERE customer_id IS NOT NULL`;

const ORDERS = `%sql outputView=orders environments=dev
SELECT o.order_id, o.customer_id, o.amount, o.ordered_at
FROM orders_raw o`;

describe('view columns', () => {
  it('takes names from aliases and column references, leaving out views read with * from an extract', () => {
    expect(
      columnsOf([
        EXTRACT,
        CUSTOMERS,
        ORDERS,
        '%sql outputView=everything environments=dev\nSELECT * FROM customers_raw'
      ])
    ).toEqual({
      customers: ['customer_id', 'name', 'email', 'state', 'signup_date'],
      orders: ['order_id', 'customer_id', 'amount', 'ordered_at']
    });
  });

  it('expands * and t.* from upstream views, through CTEs and joins', () => {
    const views = columnsOf([
      EXTRACT,
      CUSTOMERS,
      ORDERS,
      `%sql outputView=customer_orders environments=dev
WITH totals AS (
  SELECT customer_id, SUM(amount) AS total, COUNT(*) AS orders
  FROM orders
  GROUP BY customer_id
)
SELECT c.*, t.total, t.orders, coalesce(t.total, 0) > 1000 AS vip
FROM customers c
LEFT JOIN totals t ON t.customer_id = c.customer_id`,
      `%sql outputView=recent environments=dev
SELECT * FROM orders o JOIN (SELECT customer_id AS cid, state FROM customers) c ON c.cid = o.customer_id
WHERE o.ordered_at > date_sub(current_date(), 7)`
    ]);
    expect(views.customer_orders).toEqual([
      'customer_id',
      'name',
      'email',
      'state',
      'signup_date',
      'total',
      'orders',
      'vip'
    ]);
    expect(views.recent).toEqual([
      'order_id',
      'customer_id',
      'amount',
      'ordered_at',
      'cid',
      'state'
    ]);
  });

  it("takes a UNION's names from its first query", () => {
    expect(
      columnsOf([
        CUSTOMERS,
        ORDERS,
        `%sql outputView=contacts environments=dev
SELECT customer_id AS id, email AS contact FROM customers
UNION ALL
SELECT order_id, CAST(customer_id AS STRING) FROM orders`
      ]).contacts
    ).toEqual(['id', 'contact']);
  });

  it('skips expressions without an alias, and * keeps what is known of the view', () => {
    const views = columnsOf([
      CUSTOMERS,
      '%sql outputView=states environments=dev\nSELECT state, count(*) FROM customers GROUP BY state',
      '%sql outputView=state_copy environments=dev\nSELECT * FROM states'
    ]);
    expect(views.states).toEqual(['state']);
    expect(views.state_copy).toEqual(['state']);
  });

  it('leaves out a view whose * Spark would shape (USING, LATERAL VIEW, PIVOT) or that is not a query', () => {
    expect(
      columnsOf([
        CUSTOMERS,
        ORDERS,
        '%sql outputView=joined environments=dev\nSELECT * FROM customers JOIN orders USING (customer_id)',
        '%sql outputView=exploded environments=dev\nSELECT * FROM orders LATERAL VIEW explode(array(1, 2)) e AS n',
        '%sql outputView=pivoted environments=dev\nSELECT * FROM orders PIVOT (sum(amount) FOR customer_id IN (1, 2))',
        '%sql outputView=deleted environments=dev\nDELETE FROM lake.orders WHERE amount < 0',
        '%sql outputView=broken environments=dev\nSELECT order_id FROM'
      ])
    ).toEqual({
      customers: ['customer_id', 'name', 'email', 'state', 'signup_date'],
      orders: ['order_id', 'customer_id', 'amount', 'ordered_at']
    });
  });

  it('follows a view redefined by a later stage, and keeps the source spelling of passed-through columns', () => {
    const views = columnsOf([
      CUSTOMERS,
      '%sql outputView=ids environments=dev\nSELECT CUSTOMER_ID, Email AS Mail FROM customers',
      EXTRACT.replace('customers_raw', 'customers'),
      '%sql outputView=later environments=dev\nSELECT * FROM customers'
    ]);
    expect(views).toEqual({ ids: ['customer_id', 'Mail'] });
  });

  it('lists each name once, the first spelling kept', () => {
    expect(
      columnsOf([
        CUSTOMERS,
        ORDERS,
        '%sql outputView=pairs environments=dev\nSELECT c.customer_id, o.customer_id, o.amount AS AMOUNT, c.state AS amount FROM customers c JOIN orders o ON o.customer_id = c.customer_id'
      ]).pairs
    ).toEqual(['customer_id', 'AMOUNT']);
  });

  it('knows the merge source of the SCD2 sample, not the MERGE result or the Delta extracts', () => {
    const text = readFileSync(
      path.join(SAMPLES, '03_customers_scd2_merge.ipynb'),
      'utf8'
    );
    expect(Object.fromEntries(viewColumns(compileNotebook(text)))).toEqual({
      merge_source: [
        'merge_key',
        'customer_id',
        'name',
        'email',
        'state',
        'segment',
        'signup_date',
        'credit_limit',
        'valid_from',
        'valid_to',
        'is_current',
        'row_hash'
      ],
      customers_by_state: ['state', 'customers']
    });
  });

  it('leaves out the SCD2 staging view, whose chg.* reads a Delta extract, and the MERGE', () => {
    const views = viewColumns(
      compileNotebook(defect('price_scd2_merge.ipynb'))
    );
    expect(views.has('price_staged')).toBe(false);
    expect(views.has('price_merged')).toBe(false);
    // Only the views whose SQL names every column are known.
    expect(Object.fromEntries(views)).toEqual({
      closed_versions: ['closed'],
      active_per_sku: ['sku', 'active']
    });
  });
});
