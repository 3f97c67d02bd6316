#include "clue_router/http/router.hpp"

#include <algorithm>

namespace clue_router::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1;  // paths begin with '/'
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool is_parameter(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(beast_http::verb method, std::string pattern, RouteOptions options,
                 RouteHandler handler) {
    Route route{method, pattern, {}, options, std::move(handler)};
    for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
}

Router::Match Router::match(beast_http::verb method, std::string_view path) const {
    if (path.empty() || path.front() != '/') return NoSuchPath{};
    std::vector<std::string> segments;
    for (auto segment : split_path(path)) segments.emplace_back(segment);
    return match(method, segments);
}

Router::Match Router::match(beast_http::verb method,
                            const std::vector<std::string>& segments) const {
    if (segments.empty()) return NoSuchPath{};
    std::vector<std::string> allowed;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        Params params;
        bool ok = true;
        for (std::size_t i = 0; i < segments.size() && ok; ++i) {
            const auto& want = route.segments[i];
            if (is_parameter(want)) {
                // An empty parameter ("/v1/tickets//history") is no match.
                ok = !segments[i].empty();
                if (ok) params[want.substr(1, want.size() - 2)] = segments[i];
            } else {
                ok = want == segments[i];
            }
        }
        if (!ok) continue;
        if (route.method == method) {
            return Found{&route.handler, &route.options, &route.pattern, std::move(params)};
        }
        allowed.emplace_back(beast_http::to_string(route.method));
    }
    if (allowed.empty()) return NoSuchPath{};
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    return MethodNotAllowed{allow};
}

}  // namespace clue_router::http
