-- SPDX-License-Identifier: GPL-2.0
-- wrk script of the gateway benchmark's HTTP mix (kernel-bench.sh):
--   wrk -t1 -cN -dS -s http-mix.lua http://SERVER -- LIST
-- LIST names the files to request, one path a line, in the order to
-- request them (gateway-tools.py www writes it); each connection takes the
-- next, round robin. Every request says "Connection: close": one short
-- TCP session per exchange, as a gateway sees web traffic. At the end one
-- line "wrk-json {...}" with the totals (bytes are what the client read,
-- headers included) and the errors by kind.
local paths, n = {}, 0

function init(args)
	for line in io.lines(args[1]) do
		paths[#paths + 1] = line
	end
	if #paths == 0 then
		error("no paths in " .. args[1])
	end
end

function request()
	n = n % #paths + 1
	return wrk.format("GET", paths[n], { ["Connection"] = "close" })
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format('wrk-json {"requests": %d, "bytes": %d, "duration_us": %d, ' ..
		'"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
		'"latency_p50_us": %d, "latency_p99_us": %d}\n',
		summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write,
		e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
