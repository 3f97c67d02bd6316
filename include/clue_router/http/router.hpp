#pragma once
// Routes: a method and a path pattern with {parameters}, e.g. "/v1/tickets/{id}/history".
// Matching tells apart "no such path" (404) from "path exists, method does not" (405 + Allow).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clue_router/http/types.hpp"

namespace clue_router::http {

class Exchange;
using Params = std::map<std::string, std::string>;
using RouteHandler = std::function<void(const std::shared_ptr<Exchange>&)>;

struct RouteOptions {
    // No API key needed (health checks, signed inbound webhooks); such requests count
    // against their client address's rate limit instead.
    bool public_route = false;
    // A body limit smaller than the server's for this route, refused from Content-Length
    // before the body is read; 0: the server's.
    std::size_t max_body_bytes = 0;
    // Open to a session whose role needs a second factor she has not enrolled yet (signing
    // out, who am I, enrolling); every other route refuses such a session.
    bool open_during_enrolment = false;
};

class Router {
  public:
    void add(beast_http::verb method, std::string pattern, RouteOptions options,
             RouteHandler handler);

    struct Found {
        const RouteHandler* handler;
        const RouteOptions* options;
        const std::string* pattern;
        Params params;
    };
    struct NoSuchPath {};
    struct MethodNotAllowed {
        std::string allow;  // "GET, POST"
    };
    using Match = std::variant<Found, NoSuchPath, MethodNotAllowed>;

    // segments: the decoded segments of a path (http/query's Target::segments); a segment
    // may contain '/', which then matches no literal segment of a route.
    Match match(beast_http::verb method, const std::vector<std::string>& segments) const;
    // The same for a path none of whose segments is encoded (tests, route tables).
    Match match(beast_http::verb method, std::string_view path) const;

  private:
    struct Route {
        beast_http::verb method;
        std::string pattern;
        std::vector<std::string> segments;  // "{id}" marks a parameter
        RouteOptions options;
        RouteHandler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace clue_router::http
