#include <algorithm>
#include <cctype>

#include "clue_router/domain/text_checks.hpp"
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

// 1-255 visible ASCII characters, as the IETF idempotency-key draft and common practice.
bool valid_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > 255) return false;
    for (unsigned char c : key) {
        if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
}

void submit_clue(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    std::optional<std::string> key;
    if (const auto header = ex->request().find("Idempotency-Key"); header != ex->request().end()) {
        if (!valid_idempotency_key(header->value())) {
            ex->reply_problem(bad_request(
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                {{"/headers/idempotency-key", "must be 1 to 255 visible ASCII characters"}}));
            return;
        }
        key = std::string(header->value());
    }
    auto body = read_json_object(*ex);
    if (!body) return;
    services.clues.submit(
        ex->actor(), key, *body, [ex](service::Result<service::SubmittedClue> result) {
            if (!result) return reply_error(*ex, result.error());
            Response res{static_cast<beast_http::status>(result->status), ex->request().version()};
            res.set(beast_http::field::content_type, "application/json");
            res.set(beast_http::field::location, result->location);
            if (result->replayed) res.set("Idempotent-Replayed", "true");
            res.body() = std::move(result->body);
            ex->reply(std::move(res));
        });
}

// A reason header, when sent: 1 to 200 printable characters of valid UTF-8 (it goes into the
// audit trail's JSON, which cannot hold anything else, and a 503 would blame the database).
// False, with the problem replied, when it is malformed.
bool read_reason_header(Exchange& ex, const char* name, std::optional<std::string>& out) {
    const auto h = ex.request().find(name);
    if (h == ex.request().end()) return true;
    const std::string_view value = h->value();
    const auto scan = domain::scan_text(value, /*allow_line_breaks=*/false);
    const bool printable = scan.valid_utf8 && !scan.has_control;
    if (value.empty() || scan.code_points > 200 || !printable) {
        std::string field = "/headers/" + std::string(name);
        std::transform(field.begin(), field.end(), field.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        ex.reply_problem(bad_request(std::string(name) + " must be 1 to 200 printable characters",
                                     {{field, "must be 1 to 200 printable characters"}}));
        return false;
    }
    out = std::string(value);
    return true;
}

void get_clue(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    if (!accept_query(*ex, {"reveal"})) return;
    const auto& query = ex->target().query;
    bool reveal = false;
    if (const auto it = query.find("reveal"); it != query.end()) {
        if (it->second != "true" && it->second != "false") {
            ex->reply_problem(bad_request("reveal must be true or false",
                                          {{"/query/reveal", "must be true or false"}}));
            return;
        }
        reveal = it->second == "true";
    }
    if (!reveal) {
        auto result = services.clues.get(ex->actor(), ex->param("id"));
        if (!result) return reply_error(*ex, result.error());
        ex->reply_json(beast_http::status::ok, *result);
        return;
    }
    // An admin's emergency read (Break-Glass-Reason) and a person's read (Reveal-Reason) name
    // their reason; it goes into the audit trail, sealed.
    service::RevealReasons reasons;
    if (!read_reason_header(*ex, "Break-Glass-Reason", reasons.break_glass)) return;
    if (!read_reason_header(*ex, "Reveal-Reason", reasons.reveal)) return;
    services.clues.reveal(ex->actor(), ex->param("id"), std::move(reasons),
                          [ex](service::Result<nlohmann::json> result) {
                              if (!result) return reply_error(*ex, result.error());
                              ex->reply_json(beast_http::status::ok, *result);
                          });
}

void clue_screenings(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    if (!accept_query(*ex, {})) return;
    auto result = services.clues.screenings(ex->actor(), ex->param("id"));
    if (!result) return reply_error(*ex, result.error());
    ex->reply_json(beast_http::status::ok, *result);
}

void review_queue(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    const auto page = read_page_params(*ex);
    if (!page) return;
    auto result = services.clues.review_queue(ex->actor(), page->cursor, page->limit);
    if (!result) return reply_error(*ex, result.error());
    reply_page(*ex, std::move(*result));
}

}  // namespace

void add_clue_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::post, "/v1/clues", {},
               [&services](const std::shared_ptr<Exchange>& ex) { submit_clue(services, ex); });
    router.add(beast_http::verb::get, "/v1/clues/{id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) { get_clue(services, ex); });
    router.add(beast_http::verb::get, "/v1/clues/{id}/screenings", {},
               [&services](const std::shared_ptr<Exchange>& ex) { clue_screenings(services, ex); });
    router.add(beast_http::verb::post, "/v1/clues/{id}/links", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   auto body = read_json_object(*ex);
                   if (!body) return;
                   services.clues.link(ex->actor(), ex->param("id"), *body,
                                       [ex](service::Result<nlohmann::json> result) {
                                           if (!result) return reply_error(*ex, result.error());
                                           ex->reply_json(beast_http::status::ok, *result);
                                       });
               });
    router.add(beast_http::verb::delete_, "/v1/clues/{id}/links/{other}", {},
               [&services](const std::shared_ptr<Exchange>& ex) {
                   services.clues.unlink(ex->actor(), ex->param("id"), ex->param("other"),
                                         [ex](service::Result<nlohmann::json> result) {
                                             if (!result) return reply_error(*ex, result.error());
                                             ex->reply_json(beast_http::status::ok, *result);
                                         });
               });
    router.add(beast_http::verb::get, "/v1/review-queue", {},
               [&services](const std::shared_ptr<Exchange>& ex) { review_queue(services, ex); });
}

}  // namespace clue_router::http
