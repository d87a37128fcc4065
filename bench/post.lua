-- wrk script (bench, Wrk.java): POST with the Rune header and an optional JSON body (env RUNE, BODY).
-- MAX_RESPONSES, when set, stops each thread after that many responses and says so on stderr (the bench then
-- makes wrk report at once). Only then is there a response() function, which makes wrk hand bodies to Lua.
wrk.method = "POST"
wrk.headers["Rune"] = os.getenv("RUNE")
local body = os.getenv("BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local max = tonumber(os.getenv("MAX_RESPONSES") or "0") or 0
if max > 0 then
  local count = 0
  function response(status, headers, body)
    count = count + 1
    if count == max then
      io.stderr:write("bench-thread-stopped\n")
      io.stderr:flush()
      wrk.thread:stop()
    end
  end
end
