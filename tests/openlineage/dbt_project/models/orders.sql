select * from (values (1, 10, 25.0), (2, 10, 15.0), (3, 20, 40.0)) as t(order_id, customer_id, amount)
