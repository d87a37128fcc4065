-- wrk script: POST with the Rune header and an optional JSON body (env RUNE, BODY).
wrk.method = "POST"
wrk.headers["Rune"] = os.getenv("RUNE")
local body = os.getenv("BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
