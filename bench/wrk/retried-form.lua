-- wrk -t2 -c64 -d20s --latency -s bench/wrk/retried-form.lua http://127.0.0.1:5080/api/v1/results
-- The README's sample form, posted again and again: after its first 201 every answer is the 200 of a retry, so
-- this measures the gateway, the hop to the TPS grain and its idempotent answer, with no ledger write.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"tps":"35.78.01.1001.001","contest":"PGUB-35","version":1,"registered":582,"voted":{"dpt":301,"dptb":3,"dpk":1},"ballots":{"received":600,"used":305,"spoiled":2,"unused":293},"votes":{"1":10,"2":200,"3":90},"valid":300,"invalid":5}'
