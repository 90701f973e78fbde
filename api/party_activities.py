"""Cross-appointments, member posts, places, secretary training and joint events (R4, R5,
R7, R12), with reads "in force on D" and "held in year Y"."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import NotFound

from api.auth import require
from api.commands import ensure_fresh, handle, services
from api.fields import BusinessDate, Text
from api.party_scope import AsOfArgs, require_party_org_scope, require_unit_scope
from api.read_policy import read_scope
from api.roles import OFFICERS, READERS
from api.schemas import CommandResultSchema, PageSchema, Paging, ReadArgs, page_of, take_paging
from api.scope import found, fresh_row
from domain import party_activities_commands as cmd
from domain.party_activities import (
    APPOINTMENT_ROLES,
    CO_HOST_KINDS,
    EVENT_KINDS,
    PLACE_KINDS,
    POST_KINDS,
)
from domain.party_activities_handlers import PERIOD_FACTS
from projections import party_activities as view

VIEW = view.PartyActivitiesProjection.name
ACTIVITY = "party_activity"  # the read policy resource

blp = Blueprint(
    "party_activities",
    __name__,
    url_prefix="/api/v1/party-activities",
    description="双向进入交叉任职, 党员示范岗/责任区, 议事厅/服务窗口, 书记培训, 三方联动 (R4, R5, R7, R12).",
)


class Appoint(Schema):
    person_ref = Text(required=True, validate=validate.Length(min=1, max=64))
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    role = Text(required=True, validate=validate.OneOf(APPOINTMENT_ROLES))
    company_id = fields.UUID(required=True)
    community_id = fields.UUID(required=True)
    starts_on = BusinessDate(required=True)
    community_party_org_id = fields.UUID(
        load_default=None,
        metadata={
            "description": "for the community party committee: its community party "
            "organisation (/api/v1/org-bodies); default the one in office that day"
        },
    )


class Post(Schema):
    org_id = fields.UUID(required=True)
    member_ref = Text(required=True, validate=validate.Length(min=1, max=64))
    kind = Text(required=True, validate=validate.OneOf(POST_KINDS))
    starts_on = BusinessDate(required=True)
    unit_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))
    window_id = fields.UUID(load_default=None)


class OpenPlace(Schema):
    kind = Text(required=True, validate=validate.OneOf(PLACE_KINDS))
    unit_id = fields.UUID(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    opened_on = BusinessDate(required=True)


class End(Schema):
    on = BusinessDate(required=True)
    reason = Text(load_default=None, validate=validate.Length(min=1, max=500))


class Attendee(Schema):
    secretary_ref = Text(required=True, validate=validate.Length(min=1, max=64))
    org_id = fields.UUID(load_default=None)


class Training(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    held_on = BusinessDate(required=True)
    attendees = fields.List(
        fields.Nested(Attendee), required=True, validate=validate.Length(max=500)
    )


class CoHost(Schema):
    kind = Text(required=True, validate=validate.OneOf(CO_HOST_KINDS))
    id = fields.UUID(required=True)


class Joint(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = Text(required=True, validate=validate.OneOf(EVENT_KINDS))
    held_on = BusinessDate(required=True)
    community_id = fields.UUID(required=True)
    co_hosts = fields.List(
        fields.Nested(CoHost), required=True, validate=validate.Length(min=2, max=10)
    )
    participants = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


class PeriodArgs(Paging, AsOfArgs):
    what = Text(required=True, validate=validate.OneOf(list(PERIOD_FACTS)))
    kind = Text(validate=validate.Length(max=32))


class EventArgs(Paging, ReadArgs):
    what = Text(required=True, validate=validate.OneOf(["secretary_training", "joint_event"]))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ActivityPeriodSchema(Schema):
    id = Text()
    what = Text()
    kind = Text()
    subject = Text()
    unit_id = Text(allow_none=True)
    company_id = Text(allow_none=True)
    org_id = Text(allow_none=True)
    from_on = Text()
    to_on = Text(allow_none=True)


class ActivityPeriodPage(PageSchema):
    as_of = Text()
    count = fields.Integer()
    items = fields.List(fields.Nested(ActivityPeriodSchema))


class EventSchema(Schema):
    id = Text()
    what = Text()
    kind = Text()
    name = Text()
    held_on = Text()
    community_id = Text(allow_none=True)
    attendees = fields.Integer()
    co_host_kinds = Text(allow_none=True)


class EventPage(PageSchema):
    year = fields.Integer()
    count = fields.Integer()
    items = fields.List(fields.Nested(EventSchema))


def _period_fact(what: str, fact_id: UUID) -> dict[str, Any]:
    row = fresh_row(VIEW, lambda conn: view.get_period(conn, what, str(fact_id)))
    return found(row, PERIOD_FACTS[what].__name__, fact_id)


@blp.route("/cross-appointments")
class CrossAppointments(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Appoint)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Appoint a two-committees member as company supervisor, or a company party leader to
        the community party committee."""
        require_unit_scope(body["community_id"])
        return handle(cmd.AppointCross(**body), status=201)


@blp.route("/member-posts")
class MemberPosts(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Post)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Designate a party member's model post (at a service window) or responsibility area."""
        require_party_org_scope(body["org_id"])
        return handle(cmd.DesignateMemberPost(**body), status=201)


@blp.route("/places")
class Places(MethodView):
    @require(*OFFICERS)
    @blp.arguments(OpenPlace)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Open a deliberation hall (in a compound) or a service window (in a community)."""
        require_unit_scope(body["unit_id"])
        return handle(cmd.OpenPlace(**body), status=201)


@blp.route("/<string:what>/<uuid:fact_id>/end")
class EndPeriod(MethodView):
    @require(*OFFICERS)
    @blp.arguments(End)
    @blp.response(200, CommandResultSchema)
    def post(self, body: dict[str, Any], what: str, fact_id: UUID) -> Response:
        """End a cross_appointment or member_post, or close a place."""
        if what not in PERIOD_FACTS:
            raise NotFound(f"unknown kind {what}")
        fact = _period_fact(what, fact_id)
        if what == "member_post":
            require_party_org_scope(fact["org_id"])
        else:
            require_unit_scope(fact["unit_id"])
        return handle(cmd.EndPeriodFact(what=what, fact_id=fact_id, **body))


@blp.route("/secretary-trainings")
class Trainings(MethodView):
    @require("district_admin", "street_officer")
    @blp.arguments(Training)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Record a secretary training session with its attendance."""
        require_unit_scope()
        return handle(cmd.HoldSecretaryTraining(**body), status=201)


@blp.route("/joint-events")
class JointEvents(MethodView):
    @require(*OFFICERS)
    @blp.arguments(Joint)
    @blp.response(201, CommandResultSchema)
    def post(self, body: dict[str, Any]) -> Response:
        """Record an event co-hosted by residents' committee, owners' committee and company."""
        require_unit_scope(body["community_id"])
        return handle(cmd.HoldJointEvent(**body), status=201)


@blp.route("/periods")
class Periods(MethodView):
    @require(*READERS)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, ActivityPeriodPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Cross-appointments, member posts or places in force on date D (only those the
        caller may read: in its unit, or a cross-appointment to its company)."""
        ensure_fresh(view.PartyActivitiesProjection.name, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            items = view.periods_active_on(
                conn, args["what"], args["as_of"], args.get("kind"), read_scope(ACTIVITY)
            )
        return page_of(items, take_paging(args), as_of=args["as_of"].isoformat(), count=len(items))


@blp.route("/events")
class Events(MethodView):
    @require(*READERS)
    @blp.arguments(EventArgs, location="query")
    @blp.response(200, EventPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Secretary trainings or joint events held in a year, with attendance."""
        ensure_fresh(view.PartyActivitiesProjection.name, min_position=args.get("min_position"))
        with services().read_engine.connect() as conn:
            items = view.events_in_year(conn, args["what"], args["year"])
        return page_of(items, take_paging(args), year=args["year"], count=len(items))
