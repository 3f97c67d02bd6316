#include "clue_router/domain/ticket_assignment.hpp"
#include "clue_router/domain/vocabulary.hpp"
#include "clue_router/http/api.hpp"
#include "clue_router/http/handler_support.hpp"

namespace clue_router::http {

namespace {

void reply_ticket(Exchange& ex, const service::TicketService& tickets,
                  const domain::Ticket& ticket) {
    Response res{beast_http::status::ok, ex.request().version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::etag, etag_of(ticket.version));
    res.body() = tickets.view(ticket).dump();
    ex.reply(std::move(res));
}

void list_tickets(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    const auto page =
        read_page_params(*ex, CursorKind::uuid, {"assignee", "box", "overdue", "status"});
    if (!page) return;
    service::TicketListQuery query;
    query.limit = page->limit;
    query.cursor = page->cursor;
    const auto& params = ex->target().query;
    if (const auto it = params.find("box"); it != params.end()) {
        if (it->second == "inbox") {
            query.box = storage::Box::inbox;
        } else if (it->second == "outbox") {
            query.box = storage::Box::outbox;
        } else if (it->second == "escalated") {
            query.box = storage::Box::escalated;
        } else {
            ex->reply_problem(
                bad_request("box must be one of inbox, outbox, escalated",
                            {{"/query/box", "must be one of inbox, outbox, escalated"}}));
            return;
        }
    }
    if (const auto it = params.find("overdue"); it != params.end()) {
        if (it->second != "true" && it->second != "false") {
            ex->reply_problem(bad_request("overdue must be true or false",
                                          {{"/query/overdue", "must be true or false"}}));
            return;
        }
        query.overdue_only = it->second == "true";
    }
    if (const auto it = params.find("status"); it != params.end()) {
        query.status = domain::parse_ticket_status(it->second);
        if (!query.status) {
            const std::string allowed = domain::vocabulary::one_of(domain::ticket_statuses());
            ex->reply_problem(bad_request("status " + allowed, {{"/query/status", allowed}}));
            return;
        }
    }
    if (const auto it = params.find("assignee"); it != params.end()) {
        query.assignee = domain::parse_assignee_filter(it->second);
        if (!query.assignee) {
            constexpr const char* kRule = "must be me, none or a person's id (psn_…)";
            ex->reply_problem(
                bad_request(std::string("assignee ") + kRule, {{"/query/assignee", kRule}}));
            return;
        }
    }
    auto result = services.tickets.list(ex->actor(), query);
    if (!result) return reply_error(*ex, result.error());
    reply_page(*ex, std::move(*result));
}

void get_ticket(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    if (!accept_query(*ex, {})) return;
    auto result = services.tickets.get(ex->actor(), ex->param("id"));
    if (!result) return reply_error(*ex, result.error());
    reply_ticket(*ex, services.tickets, *result);
}

void ticket_history(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    if (!accept_query(*ex, {})) return;
    services.tickets.history(ex->actor(), ex->param("id"),
                             [ex](service::Result<nlohmann::json> result) {
                                 if (!result) return reply_error(*ex, result.error());
                                 ex->reply_json(beast_http::status::ok, *result);
                             });
}

void reply_measure(Exchange& ex, beast_http::status status, const service::MeasureReply& m) {
    Response res{status, ex.request().version()};
    res.set(beast_http::field::content_type, "application/json");
    res.set(beast_http::field::etag, etag_of(m.version));
    res.body() = m.body.dump();
    ex.reply(std::move(res));
}

void add_note(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    auto body = read_json_object(*ex);
    if (!body) return;
    services.work.add_note(ex->actor(), ex->param("id"), *body,
                           [ex](service::Result<nlohmann::json> result) {
                               if (!result) return reply_error(*ex, result.error());
                               ex->reply_json(beast_http::status::created, *result);
                           });
}

void add_measure(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    auto body = read_json_object(*ex);
    if (!body) return;
    services.work.add_measure(ex->actor(), ex->param("id"), *body,
                              [ex](service::Result<service::MeasureReply> result) {
                                  if (!result) return reply_error(*ex, result.error());
                                  reply_measure(*ex, beast_http::status::created, *result);
                              });
}

void update_measure(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    std::optional<std::int64_t> if_match;
    if (!read_if_match(*ex, "measure", if_match)) return;
    auto body = read_json_object(*ex);
    if (!body) return;
    services.work.update_measure(ex->actor(), ex->param("id"), ex->param("measure_id"), if_match,
                                 *body, [ex](service::Result<service::MeasureReply> result) {
                                     if (!result) return reply_error(*ex, result.error());
                                     reply_measure(*ex, beast_http::status::ok, *result);
                                 });
}

void transition(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    std::optional<std::int64_t> if_match;
    if (!read_if_match(*ex, "ticket", if_match)) return;
    auto body = read_json_object(*ex);
    if (!body) return;
    services.tickets.transition(ex->actor(), ex->param("id"), if_match, *body,
                                [ex, &services](service::Result<domain::Ticket> result) {
                                    if (!result) return reply_error(*ex, result.error());
                                    reply_ticket(*ex, services.tickets, *result);
                                });
}

void assign(ApiServices& services, const std::shared_ptr<Exchange>& ex) {
    std::optional<std::int64_t> if_match;
    if (!read_if_match(*ex, "ticket", if_match)) return;
    auto body = read_json_object(*ex);
    if (!body) return;
    services.tickets.assign(ex->actor(), ex->param("id"), if_match, *body,
                            [ex, &services](service::Result<domain::Ticket> result) {
                                if (!result) return reply_error(*ex, result.error());
                                reply_ticket(*ex, services.tickets, *result);
                            });
}

}  // namespace

void add_ticket_routes(Router& router, ApiServices& services) {
    router.add(beast_http::verb::get, "/v1/tickets", {},
               [&services](const std::shared_ptr<Exchange>& ex) { list_tickets(services, ex); });
    router.add(beast_http::verb::get, "/v1/tickets/{id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) { get_ticket(services, ex); });
    router.add(beast_http::verb::get, "/v1/tickets/{id}/history", {},
               [&services](const std::shared_ptr<Exchange>& ex) { ticket_history(services, ex); });
    router.add(beast_http::verb::post, "/v1/tickets/{id}/transitions", {},
               [&services](const std::shared_ptr<Exchange>& ex) { transition(services, ex); });
    router.add(beast_http::verb::post, "/v1/tickets/{id}/assignment", {},
               [&services](const std::shared_ptr<Exchange>& ex) { assign(services, ex); });
    router.add(beast_http::verb::post, "/v1/tickets/{id}/notes", {},
               [&services](const std::shared_ptr<Exchange>& ex) { add_note(services, ex); });
    router.add(beast_http::verb::post, "/v1/tickets/{id}/measures", {},
               [&services](const std::shared_ptr<Exchange>& ex) { add_measure(services, ex); });
    router.add(beast_http::verb::patch, "/v1/tickets/{id}/measures/{measure_id}", {},
               [&services](const std::shared_ptr<Exchange>& ex) { update_measure(services, ex); });
}

}  // namespace clue_router::http
