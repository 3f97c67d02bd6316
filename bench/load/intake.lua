-- Durable intake: POST /v1/clues with realistic, distinct clues. Every request carries a
-- fresh reference (thread id + counter, also its Idempotency-Key) and a narrative of a few
-- hundred characters assembled from hotline-style sentences, so that no two requests are
-- alike and screening does real work. The key comes from CLUE_ROUTER_BENCH_KEY.
package.path = (os.getenv("CLUE_ROUTER_BENCH_DIR") or "bench/load") .. "/?.lua;" .. package.path
local report = require("report")

local key = os.getenv("CLUE_ROUTER_BENCH_KEY") or error("CLUE_ROUTER_BENCH_KEY is not set")
local run = os.getenv("CLUE_ROUTER_BENCH_RUN") or tostring(os.time())

local sentences = {
  "我丈夫经常喝酒后打我，上个月把我打成骨折，住院花了两万多。",
  "我们家是防止返贫监测户，现在没钱继续治疗。",
  "孩子今年上初中，学费还没有着落，我一个人带着他。",
  "去年被人以投资为名骗走了全部积蓄三十万，案件已经立案。",
  "老人七十八岁，独居，女儿在外地从不过问。",
  "公司以试用期不合格为由把我辞退了，我想问问怎么维权。",
  "结婚十二年，他一直对我不好，派出所出过告诫书。",
  "我想咨询一下离婚以后孩子的抚养权归谁。",
  "她被前男友打伤后颅内出血，医院说急需手术。",
  "村里的干部来看过一次，说会帮我们申请救助。",
  "对方家里说没钱赔偿，孩子一直在看心理医生。",
  "他说如果我报警就杀了我全家，我现在不敢回家。",
}
local regions = { "511702", "511722", "510104", "510107", "511700", "110105" }

local counter = 0
setup = report.setup

local function narrative(seed)
  local parts = {}
  local n = 0
  local i = seed
  while n < 300 do  -- characters, roughly: each sentence is 20-30 of them
    local s = sentences[(i % #sentences) + 1]
    parts[#parts + 1] = s
    n = n + #s / 3  -- CJK: three bytes of UTF-8 a character
    i = (i * 7 + 3) % 1000003  -- bounded: Lua numbers are doubles, and past 2^53 `%` misses
  end
  parts[#parts + 1] = "（编号" .. seed .. "）"
  return table.concat(parts)
end

request = function()
  counter = counter + 1
  local reference = string.format("BENCH-%s-%d-%d", run, thread_id, counter)
  local body = string.format(
    '{"source":{"channel":"hotline_12309","reference":"%s","received_at":"2026-11-20T09:12:00+08:00"},' ..
    '"subject":{"name":"压测%d","phone":"138%08d","sex":"female","region":"%s","rural":%s},' ..
    '"indicators":[],"narrative":"%s","reporter":{"relation":"self"},' ..
    '"consent":{"share_with_partners":true}}',
    reference, counter % 1000, (thread_id * 1000003 + counter) % 100000000,
    regions[(counter % #regions) + 1], (counter % 2 == 0) and "true" or "false",
    narrative(thread_id * 7919 + counter))
  return wrk.format("POST", "/v1/clues", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = reference,
  }, body)
end

response = report.response
done = report.done
