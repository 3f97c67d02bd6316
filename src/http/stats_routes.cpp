// Progress figures: GET /v1/stats, as JSON or, for Accept: text/csv, as one CSV table.
#include <boost/beast/core/string.hpp>

#include "clue_router/domain/stats_output.hpp"
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

// The q-value an Accept header gives a media type (exact match, its "type/*", or "*/*"),
// 0 when it names none of them; an absent header accepts everything equally.
double quality_of(std::string_view accept, std::string_view type) {
    if (accept.empty()) return 1.0;
    const std::string_view major = type.substr(0, type.find('/'));
    double best = 0.0;
    int best_specificity = -1;
    while (!accept.empty()) {
        const auto comma = accept.find(',');
        std::string_view item = accept.substr(0, comma);
        accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
        const auto semi = item.find(';');
        std::string_view media = item.substr(0, semi);
        while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
        while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
        int specificity = -1;
        if (boost::beast::iequals(media, type)) {
            specificity = 2;
        } else if (media.size() == major.size() + 2 &&
                   boost::beast::iequals(media.substr(0, major.size()), major) &&
                   media.substr(major.size()) == "/*") {
            specificity = 1;
        } else if (media == "*/*") {
            specificity = 0;
        }
        if (specificity <= best_specificity) continue;
        double q = 1.0;
        if (semi != std::string_view::npos) {
            const auto params = item.substr(semi);
            if (const auto at = params.find("q="); at != std::string_view::npos) {
                try {
                    q = std::stod(std::string(params.substr(at + 2)));
                } catch (const std::exception&) {
                    q = 0.0;
                }
            }
        }
        best = q;
        best_specificity = specificity;
    }
    return best;
}

// CSV when the caller prefers it to JSON: text/csv with a higher q, or as high and named
// before application/json.
bool wants_csv(std::string_view accept) {
    const double csv = quality_of(accept, "text/csv");
    const double json = quality_of(accept, "application/json");
    if (csv <= 0.0) return false;
    if (csv != json) return csv > json;
    const auto csv_at = accept.find("text/csv");
    const auto json_at = accept.find("application/json");
    return csv_at != std::string_view::npos &&
           (json_at == std::string_view::npos || csv_at < json_at);
}

}  // namespace

void add_stats_routes(Router& router, ApiServices& services) {
    router.add(
        beast_http::verb::get, "/v1/stats", {}, [&services](const std::shared_ptr<Exchange>& ex) {
            auto result = services.stats.figures(ex->actor(), ex->target().query);
            if (!result) return reply_error(*ex, result.error());
            if (!wants_csv(ex->request()[beast_http::field::accept])) {
                return ex->reply_json(
                    beast_http::status::ok,
                    domain::to_json(result->table, result->request, result->local_offset));
            }
            Response res{beast_http::status::ok, ex->request().version()};
            res.set(beast_http::field::content_type, "text/csv; charset=utf-8; header=present");
            res.set(beast_http::field::content_disposition,
                    "attachment; filename=\"clue-router-stats.csv\"");
            res.set(beast_http::field::vary, "Accept");
            res.body() = domain::to_csv(result->table);
            ex->reply(std::move(res));
        });
}

}  // namespace clue_router::http
