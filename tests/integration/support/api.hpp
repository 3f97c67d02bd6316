#pragma once
// Helpers that speak docs/api.md: valid clues, the sample file, requests with a key, and
// checks for RFC 9457 problem replies.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/support/http_client.hpp"
#include "integration/support/test_server.hpp"

namespace clue_router::it {

using json = nlohmann::json;

inline const std::string kProblemPrefix = "urn:clue-router:problem:";
inline const std::string kHotline = "hotline-12309-sc";

// --- building clues -----------------------------------------------------------------------

// The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).
inline char id_check_character(const std::string& first17) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char kTable[] = "10X98765432";
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (first17.at(i) - '0') * kWeights[i];
    return kTable[sum % 11];
}

// A valid ID number: region (6 digits), birth date (YYYYMMDD), sequence (3 digits; even =
// female).
inline std::string make_id_number(const std::string& region, const std::string& birth,
                                  const std::string& sequence) {
    std::string first17 = region + birth + sequence;
    return first17 + id_check_character(first17);
}

// The same number with a wrong check character.
inline std::string with_wrong_check_character(const std::string& id) {
    REQUIRE(id.size() == 18);
    std::string out = id;
    out[17] = out[17] == '0' ? '1' : '0';
    return out;
}

// A valid clue for a woman in `region`, consent given. Each reference is a different woman
// (ID number and phone derived from it), so clues are linked as the same person only when
// a test means them to be.
inline json make_clue(const std::string& region, const std::string& reference) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : reference) h = (h ^ c) * 1099511628211ULL;
    char birth[9];
    char sequence[4];
    char phone[12];
    std::snprintf(birth, sizeof birth, "%04d%02d%02d", static_cast<int>(1960 + h % 40),
                  static_cast<int>(1 + (h / 40) % 12), static_cast<int>(1 + (h / 480) % 28));
    std::snprintf(sequence, sizeof sequence, "%03d", static_cast<int>(2 * ((h / 13440) % 500)));
    std::snprintf(phone, sizeof phone, "138%08d", static_cast<int>((h >> 24) % 100000000));
    return json{
        {"source",
         {{"channel", "hotline_12309"},
          {"reference", reference},
          {"received_at", "2026-11-20T09:12:00+08:00"}}},
        {"subject",
         {{"name", "集成测试人"},
          {"id_number", make_id_number("511702", birth, sequence)},
          {"phone", phone},
          {"sex", "female"},
          {"region", region},
          {"rural", true}}},
        {"indicators", json::array({"domestic_violence"})},
        {"narrative", "我丈夫经常喝酒后打我。"},
        {"reporter", {{"relation", "self"}}},
        {"consent", {{"share_with_partners", true}}},
    };
}

// Every line of the sample file, parsed ({"clue": …, "expect": …}).
inline std::vector<json> sample_lines() {
    std::ifstream in(sample_clues_path());
    REQUIRE(in.good());
    std::vector<json> out;
    std::string line;
    while (std::getline(in, line)) {
        if (trim(line).empty()) continue;
        out.push_back(json::parse(line));
    }
    REQUIRE(!out.empty());
    return out;
}

// --- requests -------------------------------------------------------------------------------

inline Headers auth(const std::string& key) {
    return {{"Authorization", "Bearer " + key}};
}

inline Headers json_auth(const std::string& key, Headers extra = {}) {
    Headers h = auth(key);
    h.emplace_back("Content-Type", "application/json");
    h.insert(h.end(), extra.begin(), extra.end());
    return h;
}

inline std::string etag(long long version) {
    return "\"" + std::to_string(version) + "\"";
}

inline Response submit(HttpClient& c, const std::string& key, const json& clue,
                       const std::optional<std::string>& idempotency_key = std::nullopt) {
    Headers extra;
    if (idempotency_key) extra.emplace_back("Idempotency-Key", *idempotency_key);
    return c.post("/v1/clues", clue.dump(), json_auth(key, extra));
}

inline Response get(HttpClient& c, const std::string& key, const std::string& target) {
    return c.get(target, auth(key));
}

inline Response transition(HttpClient& c, const std::string& key, const std::string& ticket_id,
                           const json& body, const std::optional<std::string>& if_match) {
    Headers extra;
    if (if_match) extra.emplace_back("If-Match", *if_match);
    return c.post("/v1/tickets/" + ticket_id + "/transitions", body.dump(), json_auth(key, extra));
}

// POST /v1/webhook-endpoints {"url"}, whatever the answer.
inline Response post_webhook_endpoint(HttpClient& c, const std::string& key,
                                      const std::string& url) {
    return c.post("/v1/webhook-endpoints", json{{"url", url}}.dump(), json_auth(key));
}

// All items of a paged list (follows next_cursor).
inline std::vector<json> list_all(HttpClient& c, const std::string& key, const std::string& path,
                                  const std::string& query = {}) {
    std::vector<json> items;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
        std::string target = path + "?limit=200";
        if (!query.empty()) target += "&" + query;
        if (!cursor.empty()) target += "&cursor=" + cursor;
        Response r = get(c, key, target);
        INFO(target << "\n" << describe(r));
        REQUIRE(r.status == 200);
        json body = r.json();
        REQUIRE(body.contains("items"));
        REQUIRE(body["items"].is_array());
        for (auto& item : body["items"]) items.push_back(item);
        if (!body.contains("next_cursor") || body["next_cursor"].is_null()) break;
        std::string next = body["next_cursor"].get<std::string>();
        if (next.empty() || next == cursor) break;
        cursor = next;
    }
    return items;
}

// --- checks ---------------------------------------------------------------------------------

// How often `what` occurs in `text` (log lines, replies on one connection).
inline int occurrences(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

inline bool is_uuid_v7(const std::string& s) {
    static const std::regex re(
        "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    return std::regex_match(s, re);
}

// The review reason of a needs_review clue reply (a member of the clue view, next to status).
inline std::string review_reason(const json& reply) {
    if (reply.contains("clue") && reply["clue"].contains("review_reason"))
        return reply["clue"]["review_reason"].get<std::string>();
    return {};
}

inline std::vector<std::string> error_pointers(const json& problem) {
    std::vector<std::string> out;
    if (!problem.contains("errors") || !problem["errors"].is_array()) return out;
    for (const auto& e : problem["errors"]) {
        if (e.contains("pointer") && e["pointer"].is_string())
            out.push_back(e["pointer"].get<std::string>());
    }
    return out;
}

inline bool has_pointer(const Response& r, const std::string& pointer) {
    auto p = error_pointers(r.json());
    return std::find(p.begin(), p.end(), pointer) != p.end();
}

// An RFC 9457 reply of this status and type (after urn:clue-router:problem:).
inline void check_problem(const Response& r, int status, const std::string& type) {
    INFO("response: " << describe(r));
    CHECK(r.status == status);
    CHECK(r.header("Content-Type").rfind("application/problem+json", 0) == 0);
    json body = r.json();
    REQUIRE(body.is_object());
    CHECK(body.value("type", "") == kProblemPrefix + type);
    CHECK(body.contains("title"));
    CHECK(body.value("title", "") != "");
    REQUIRE(body.contains("status"));
    CHECK(body["status"] == status);
    CHECK(r.has_header("X-Request-Id"));
}

#define CHECK_PROBLEM(response, status, type)                           \
    do {                                                                \
        INFO("problem checked at " << __FILE__ << ":" << __LINE__);     \
        ::clue_router::it::check_problem((response), (status), (type)); \
    } while (false)

// A status check that prints the whole response when it fails.
#define CHECK_STATUS(response, expected)                              \
    do {                                                              \
        const ::clue_router::it::Response& cs_response_ = (response); \
        INFO(::clue_router::it::describe(cs_response_));              \
        CHECK(cs_response_.status == (expected));                     \
    } while (false)

#define REQUIRE_STATUS(response, expected)                            \
    do {                                                              \
        const ::clue_router::it::Response& rs_response_ = (response); \
        INFO(::clue_router::it::describe(rs_response_));              \
        REQUIRE(rs_response_.status == (expected));                   \
    } while (false)

// A validation problem (422) that names this pointer.
#define CHECK_FIELD_ERROR(response, pointer)                                    \
    do {                                                                        \
        const ::clue_router::it::Response& cfe_response_ = (response);          \
        CHECK_PROBLEM(cfe_response_, 422, "validation");                        \
        INFO("expected pointer " << (pointer) << " in " << cfe_response_.body); \
        CHECK(::clue_router::it::has_pointer(cfe_response_, (pointer)));        \
    } while (false)

}  // namespace clue_router::it
