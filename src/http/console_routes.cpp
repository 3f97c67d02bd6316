// GET /console/…: the staff console's files (http/console_assets), public like the OpenAPI
// document: the page must load before anyone signs in, and it holds no data — what she sees
// comes from the API, under her session. Not counted against the address's rate limit: a
// page load asks for a handful of files, each a copy from memory, and a clerk reloading
// must not exhaust the budget that guards sign-in.
#include <variant>

#include "clue_router/http/console_assets.hpp"
#include "clue_router/http/console_routes.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

void set_console_headers(Response& res) {
    res.set("Content-Security-Policy", console_content_security_policy());
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set("X-Frame-Options", "DENY");
}

void reply_asset(Exchange& ex, const ConsoleAsset& asset) {
    const bool current =
        if_none_match_covers(ex.request()[beast_http::field::if_none_match], asset.etag);
    Response res{current ? beast_http::status::not_modified : beast_http::status::ok,
                 ex.request().version()};
    set_console_headers(res);
    res.set(beast_http::field::etag, asset.etag);
    // Hashed files never change under their name; index.html names the current ones, so it
    // is asked again each time (a 304 when the build has not changed).
    res.set(beast_http::field::cache_control,
            asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    if (!current) {
        res.set(beast_http::field::content_type, asset.content_type);
        res.body() = asset.body;
    }
    ex.reply(std::move(res));
}

Problem console_not_installed() {
    Problem p = not_found();
    p.detail =
        "the console is not installed on this server: build it and set console_dir "
        "(docs/console.md)";
    return p;
}

}  // namespace

void reply_console(Exchange& ex, const ConsoleAssets* assets) {
    ex.set_route("/console/", {});
    if (ex.request().method() != beast_http::verb::get) {
        ex.reply_problem(method_not_allowed("GET"));
        return;
    }
    if (assets == nullptr) {
        ex.reply_problem(console_not_installed());
        return;
    }
    const auto meaning = assets->resolve(ex.target().path);
    if (std::holds_alternative<console_path::AddSlash>(meaning)) {
        Response res{beast_http::status::moved_permanently, ex.request().version()};
        res.set(beast_http::field::location, "/console/");
        ex.reply(std::move(res));
    } else if (const auto* file = std::get_if<console_path::File>(&meaning)) {
        reply_asset(ex, *assets->find(file->relative));
    } else if (std::holds_alternative<console_path::Page>(meaning)) {
        reply_asset(ex, assets->index());
    } else {
        ex.reply_problem(not_found());
    }
}

}  // namespace clue_router::http
