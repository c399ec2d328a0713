-- The table that config/pgcdc-source.json captures, with a few rows for the snapshot.
CREATE TABLE public.demo_orders (
  id bigint PRIMARY KEY,
  item text NOT NULL,
  quantity integer NOT NULL,
  price numeric(10,2),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.demo_orders (id, item, quantity, price)
VALUES (1, 'apples', 3, 1.20), (2, 'pears', 5, 0.80), (3, 'plums', 2, 2.50);
