"""The role × model permission matrix (ORG-02, ORG-03; issue 12 item 1): the one place the model
permissions of every role are granted. ``staffing.roles.roles_sync`` writes it into the groups.

Each row is a model; each column a role, in the order of ``ROLES`` (``-``: nothing). The letters
are the model permissions the role's group holds: ``v`` view, ``a`` add, ``c`` change, ``d``
delete. A lower-case letter is also what the admin lets the role do; an upper-case letter is held
for the services and the workflow buttons (which check the model's change permission) although the
admin's form refuses it (a read-only admin). ``tests/courier/test_role_matrix.py`` walks every
admin model and inline × every role and compares what the admin allows with the lower-case
letters; a model of the domain apps without a row fails it.

How the rows were decided, against the duties in the source documents (docs/requirements.md):
- Rules and policies are edited by the CS manager only: SLA policies and complaint settings
  (CMP-03, CMP-04; HQ too: the deadlines are the company's commitment to the merchant and head
  office CS controls the branches, RPT-02), score rules, tiers and the scoring policy (SCR-08),
  the staffing policy and leave types (STF-07, STF-09, ATT-02, LEV-02), the tracking rules
  (TRK-02, with ``tracking.manage_trackingpolicy``), dispatch and report settings, the finance
  rule settings and a partner's data retention (DLV-06, ``courier.set_partner_retention``).
  Everyone else reads them. Every change is recorded by simple-history with the user.
- People's private records (ORG-03: score events and appeals, settlement money, daily wages on
  the employee row, leave requests and their reasons, punches, attendance and punch corrections,
  swap requests, chat-status records, iCalendar feeds) are seen only up the supervisor line:
  supervisors and platform supervisors hold view, and their admin lists are filtered to the people
  who report to them (``staffing.admin.access``); the manager reads every line. Finance reads the
  settlement sheets and the department funds (the amounts it pays). An employee reads their own on
  /staff/ and /scoring/me/, never in the admin. Feed tokens are never shown in the admin.
- SCR-07 (issue 13 point 21): a settled month is reopened only when a manager asks (with the
  reason) and head office approves; the request rows are read by the supervisor line, the manager,
  HQ and finance (``staffing.services.settlement_reopening`` checks the positions again).
- Finance models are kept by finance (``courier.manage_finance``) and read by the manager
  (``courier.approve_finance``); their admin checks those permissions.
- DLV-01: the merchant's authorisation of another recipient is recorded by the origin's dedicated
  customer service only: the CS agent (the shipment's dedicated agent) and the supervisor line;
  pre-sales, after-sales, the printing desk, the warehouse and couriers read it
  (``courier.shipments.services.delivery.delivery_authorisation_allowed``).
- CMP-14: the shop's refunds and disputes queue is the supervisor line's (add, import, remind,
  close with the outcome that S1/A8/A9 judge); after-sales records the handling (change).
- INC-05: emergency plans per partner project are the manager's and HQ's; the review seminars
  are recorded by the supervisor line, the manager and HQ; everyone in CS reads them.
- Setup objects (API keys, webhook endpoints) are changed by superusers only.
"""

ROLES = (
    "agent",
    "presales",
    "aftersales",
    "printing",
    "warehouse",
    "supervisor",
    "platform_supervisor",
    "manager",
    "hq",
    "finance",
    # ORG-04 (issue 13 point 13): the roles outside the CS line; their columns are derived below.
    "info_clerk",
    "salesperson",
    "station_head",
    "senior_agent",
)

MODEL_ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

# fmt: off
_MATRIX_ROWS: dict[str, str] = {
    # model                               agt  pre  aft  prt  ware sup  plat mgr  hq   fin
    # --- platform
    "courier.partnerapikey":              "v    v    v    v    v    v    v    v    v    v",
    "courier.idempotencyrecord":          "-    -    -    -    -    -    -    -    -    -",
    "courier.notification":               "vc   vc   vc   vc   vc   vc   vc   vc   vc   vc",
    "courier.partner":                    "v    v    v    v    v    vac  vac  vac  v    v",
    "courier.personaldatareveal":         "-    -    -    -    -    -    -    v    -    -",
    "courier.reportsettings":             "v    v    v    v    v    v    v    vc   v    v",
    "courier.reportrun":                  "v    v    v    v    v    v    v    v    v    v",
    "courier.heartbeat":                  "v    v    v    v    v    v    v    v    v    v",
    "courier.webhookendpoint":            "v    v    v    v    v    v    v    v    v    v",
    "courier.webhookevent":               "v    v    v    v    v    v    v    v    v    v",
    "courier.webhookdelivery":            "v    v    v    v    v    vc   vc   vc   v    v",
    "courier.webhookattempt":             "v    v    v    v    v    v    v    v    v    v",
    # --- finance (the admin checks manage_finance / approve_finance)
    "courier.financesettings":            "-    -    -    -    -    -    -    vc   -    v",
    "courier.feeregion":                  "-    -    -    -    -    -    -    v    -    vac",
    "courier.feeschedule":                "-    -    -    -    -    -    -    v    -    vac",
    "courier.feescheduleversion":         "-    -    -    -    -    -    -    v    -    vac",
    "courier.feelane":                    "-    -    -    -    -    -    -    v    -    vacd",
    "courier.insurancerate":              "-    -    -    -    -    -    -    v    -    vacd",
    "courier.feeitem":                    "-    -    -    -    -    -    -    v    -    vacd",
    "courier.partneraccount":             "-    -    -    -    -    -    -    v    -    vac",
    "courier.shipmentfeeline":            "-    -    -    -    -    -    -    v    -    v",
    "courier.ledgerentry":                "-    -    -    -    -    -    -    v    -    v",
    "courier.ledgerallocation":           "-    -    -    -    -    -    -    v    -    v",
    "courier.credithold":                 "-    -    -    -    -    -    -    v    -    v",
    "courier.creditassessment":           "-    -    -    -    -    -    -    v    -    v",
    "courier.statement":                  "-    -    -    -    -    -    -    v    -    v",
    "courier.statementline":              "-    -    -    -    -    -    -    v    -    v",
    "courier.statementdispute":           "-    -    -    -    -    -    -    v    -    v",
    "courier.reconciliationitem":         "-    -    -    -    -    -    -    v    -    v",
    "courier.banktransfercustomer":       "-    -    -    -    -    -    -    v    -    vac",
    "courier.banktransaction":            "-    -    -    -    -    -    -    v    -    v",
    "courier.banktransferorder":          "-    -    -    -    -    -    -    v    -    v",
    # --- shipments
    "courier.deliveryexception":          "vAc  v    vAcD v    vA   vAc  vAc  vAc  v    v",
    "courier.insuranceclaim":             "v    v    vAcD v    v    vAc  vAc  vAc  v    v",
    "courier.compensationproposal":       "v    v    vAcD v    v    vAc  vAc  vAc  v    v",
    "courier.station":                    "v    v    v    v    v    vac  vac  vac  v    v",
    "courier.stationscan":                "v    v    v    v    vacd vac  vac  vac  v    v",
    "courier.counterpickup":              "v    v    v    v    va   vac  vac  vac  v    v",
    "courier.cashhandover":               "v    v    v    v    vA   vAc  vAc  vAc  v    vc",
    "courier.deliveryauthorisation":      "va   v    v    v    v    vac  vac  vac  v    v",
    "courier.deliveryattempt":            "v    v    v    v    v    vac  vac  vac  v    v",
    "courier.evidencephoto":              "v    v    v    v    v    v    v    v    v    v",
    "courier.dispatchsettings":           "v    v    v    v    v    v    v    vc   v    v",
    "courier.order":                      "v    vac  v    v    v    vac  vac  vac  v    v",
    "courier.orderline":                  "v    vac  v    v    v    vac  vac  vac  v    v",
    "courier.orderexception":             "v    vAc  v    v    v    vAc  vAc  vAc  v    v",
    "courier.orderremark":                "v    vAc  v    v    v    vAc  vAc  vAc  v    v",
    "courier.returnrequest":              "v    v    vAcD vc   vc   vAc  vAc  vAc  v    v",
    "courier.parcelfollowup":             "v    v    vac  v    va   vac  vac  vac  v    v",
    "courier.parcelfollowupnote":         "v    v    v    v    v    v    v    v    v    v",
    "courier.recallslip":                 "v    v    vAcD vc   v    vAc  vAc  vAc  v    v",
    "courier.shipment":                   "v    vAc  vc   vc   vc   vAc  vAc  vAc  v    v",
    "courier.deskinstruction":            "v    vAcD vAcD vc   vc   vAc  vAc  vAc  v    v",
    # order desk (SHP-05..07, SHP-13, SHP-14): templates and mode rules are the manager's; the
    # refund after a void is after-sales' (the warehouse restocks); the warehouse confirms stock;
    # pre-sales chooses the transport mode; the printing desk signs its print batches.
    "courier.remarktemplate":             "v    v    v    v    v    v    v    vc   v    v",
    "courier.transportmoderule":          "v    v    v    v    v    v    v    vacd v    v",
    "courier.transportchoice":            "v    vA   v    v    v    vA   vA   vA   v    v",
    "courier.stockconfirmation":          "v    v    v    v    vA   v    v    v    v    v",
    "courier.refundtask":                 "v    v    vc   v    vc   vc   vc   vc   v    v",
    "courier.printbatch":                 "v    v    v    va   v    v    v    v    v    v",
    # --- tracking (rules: only with tracking.manage_trackingpolicy, the manager's)
    "tracking.statusmapping":             "v    v    v    -    -    v    v    vacd v    -",
    "tracking.trackingevent":             "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.shipmenttracking":          "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.trackingpolicy":            "v    v    v    -    -    v    v    vc   v    -",
    "tracking.eventretention":            "v    v    v    -    -    v    v    vacd v    -",
    "tracking.archivedtrackingevent":     "v    v    v    -    -    v    v    v    v    -",
    "tracking.anytrackingevent":          "-    -    -    -    -    -    -    -    -    -",
    "tracking.smstemplate":               "v    v    v    -    -    v    v    vac  v    -",
    "tracking.smsmessage":                "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.followuptask":              "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.chasereply":                "vac  va   vac  -    -    vac  vac  vac  v    -",
    "tracking.contactlog":                "vac  va   vac  -    -    vac  vac  vac  v    -",
    # --- complaints (rules: SLA policies and settings, the manager's and HQ's)
    "complaints.complaintclaim":          "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.complaint":               "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.complaintattachment":     "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.slapause":                "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.slamilestone":            "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.escalation":              "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.rectification":           "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.rectificationmeasure":    "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.supervisioncheck":        "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.workorder":               "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.incident":                "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.incidentreport":          "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.reviewmeeting":           "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.platformcase":            "v    -    vc   -    -    vac  vac  vac  v    -",
    "complaints.emergencyplan":           "v    v    v    -    -    v    v    vac  vac  -",
    "complaints.emergencyseminar":        "v    v    v    -    -    va   va   va   va   -",
    "complaints.postauthority":           "v    v    v    -    -    v    v    v    v    -",
    "complaints.slapolicy":               "v    v    v    -    -    v    v    vac  vac  -",
    "complaints.complaintsettings":       "v    v    v    -    -    v    v    vc   vc   -",
    "complaints.survey":                  "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.servicelevelday":         "vac  v    vac  -    -    vac  vac  vac  vac  -",
    "complaints.callrecord":             "vA   v    vA   -    -    vA   vA   vA   vA   -",
    "complaints.verdict":                 "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.badreview":               "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    # --- staffing: organisation, calendar, shifts and the roster
    "staffing.department":                "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.holiday":                   "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.shifttype":                 "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.shiftsession":              "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.rosterpattern":             "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.rosterpatternstep":         "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.rosterpatternmember":       "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.rosterentry":               "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.rosterchange":              "v    v    v    v    v    vac  vc   vac  v    v",
    "staffing.handovernote":              "v    v    v    v    v    v    v    v    -    -",
    # --- staffing: rules, the manager's
    "staffing.staffingpolicy":            "v    v    v    v    v    v    v    vc   v    v",
    "staffing.leavetype":                 "v    v    v    v    v    v    v    vac  v    v",
    "staffing.scoringpolicy":             "v    v    v    v    v    v    v    vc   v    v",
    "staffing.scoretier":                 "v    v    v    v    v    v    v    vac  v    v",
    "staffing.scorerule":                 "v    v    v    v    v    v    v    vac  v    v",
    "staffing.scorecancelcondition":      "v    v    v    v    v    v    v    vac  v    v",
    # --- staffing: private records, up the supervisor line only
    "staffing.employee":                  "-    -    -    -    -    vac  vc   vac  -    -",
    "staffing.punch":                     "-    -    -    -    -    v    v    v    -    -",
    "staffing.attendanceday":             "-    -    -    -    -    v    v    v    -    -",
    "staffing.punchcorrection":           "-    -    -    -    -    vC   vC   vC   -    -",
    "staffing.swaprequest":               "-    -    -    -    -    vC   vC   vC   -    -",
    "staffing.leaverequest":              "-    -    -    -    -    vC   vC   vC   -    -",
    "staffing.chatofflineapproval":       "-    -    -    -    -    v    v    v    -    -",
    "staffing.chatstatusbreach":          "-    -    -    -    -    v    v    v    -    -",
    "staffing.calendarfeed":              "-    -    -    -    -    v    v    v    -    -",
    "staffing.scoreevent":                "-    -    -    -    -    va   v    va   -    -",
    "staffing.scoreappeal":               "-    -    -    -    -    vc   vc   vc   -    -",
    "staffing.settlement":                "-    -    -    -    -    vc   v    vc   -    v",
    "staffing.settlementline":            "-    -    -    -    -    v    v    v    -    v",
    "staffing.fundentry":                 "-    -    -    -    -    va   v    va   -    va",
    # SCR-07: a settled month is reopened on a manager's request (held: asked from the month)
    # with head office's approval (held: the buttons); the supervisor line and finance read it.
    "staffing.settlementreopening":       "-    -    -    -    -    v    v    vA   vC   v",
    # --- staffing: the account register (ORG-05) and training records (ORG-06)
    "staffing.systemaccount":             "-    -    -    -    -    vac  v    vac  -    -",
    "staffing.accountholding":            "-    -    -    -    -    vac  v    vac  -    -",
    "staffing.trainingrecord":            "-    -    -    -    -    vac  v    vac  -    -",
    # --- superusers only: logins, groups, lockouts, the library's unused key model
    "auth.user":                          "-    -    -    -    -    -    -    -    -    -",
    "auth.group":                         "-    -    -    -    -    -    -    -    -    -",
    "axes.accessattempt":                 "-    -    -    -    -    -    -    -    -    -",
    "axes.accessfailurelog":              "-    -    -    -    -    -    -    -    -    -",
    "axes.accesslog":                     "-    -    -    -    -    -    -    -    -    -",
    "rest_framework_api_key.apikey":      "-    -    -    -    -    -    -    -    -    -",
    # --- the beat schedule
    "django_celery_beat.periodictask":    "-    -    -    -    -    -    -    vc   -    -",
    "django_celery_beat.crontabschedule": "-    -    -    -    -    -    -    vc   -    -",
    "django_celery_beat.intervalschedule": "-    -    -    -    -    -    -    vc   -    -",
    "django_celery_beat.clockedschedule": "-    -    -    -    -    -    -    vc   -    -",
    "django_celery_beat.solarschedule":   "-    -    -    -    -    -    -    vc   -    -",
}
# fmt: on

# Rules and policies: every admin change records who and why (``ChangeReasonMixin``, issue 12 item
# 1); ``tests/courier/test_rule_change_reason.py`` checks each has a required reason and no
# change-list editing that would bypass it.
RULE_MODELS = (
    "courier.reportsettings",
    "courier.dispatchsettings",
    "courier.remarktemplate",
    "courier.transportmoderule",
    "courier.financesettings",
    "courier.feeregion",
    "courier.feeschedule",
    "courier.feescheduleversion",
    "tracking.trackingpolicy",
    "tracking.statusmapping",
    "tracking.smstemplate",
    "tracking.eventretention",
    "complaints.slapolicy",
    "complaints.complaintsettings",
    "complaints.emergencyplan",
    "staffing.staffingpolicy",
    "staffing.leavetype",
    "staffing.scoringpolicy",
    "staffing.scoretier",
    "staffing.scorerule",
    "staffing.scorecancelcondition",
)

# ORG-04: the columns of the roles outside the CS line, derived from a role with the same reach so
# that every row above keeps its ten cells (a new row needs no new column), then adjusted where
# the role's duties differ. ``"agent:view"`` is the agent's column reduced to viewing.
# - information clerk (信息员): issues returns to stations and keeps the order inventory like the
#   printing desk (returns and recall slips), and receives the day's follow-up results;
# - salesperson (业务员): told of transit, receiving and reconciliation anomalies: reads what an
#   agent reads, changes nothing;
# - station head (站点负责人): station work like the warehouse, answers chasing (chase replies);
# - senior CS representative (高级客服代表): owns the work orders an agent cannot close in one
#   contact: an agent's reach.
_DERIVED_COLUMNS: dict[str, str] = {
    "info_clerk": "printing",
    "salesperson": "agent:view",
    "station_head": "warehouse",
    "senior_agent": "agent",
}
_DERIVED_CELLS: dict[str, dict[str, str]] = {
    # Everyone reads and marks their own notifications.
    "salesperson": {"courier.notification": "vc"},
    "info_clerk": {
        "tracking.followuptask": "v",
        "tracking.contactlog": "v",
        "tracking.chasereply": "v",
        "tracking.shipmenttracking": "v",
        "tracking.trackingevent": "v",
    },
    "station_head": {
        "tracking.chasereply": "va",
        "tracking.shipmenttracking": "v",
        "tracking.trackingevent": "v",
    },
}
_BASE_ROLES = ROLES[: ROLES.index("info_clerk")]

# Apps whose every model must have a row (a model added later fails the matrix test until it has).
MATRIX_APPS = ("courier", "tracking", "complaints", "staffing")


def _derived(label: str, base: tuple[str, ...], role: str) -> str:
    if label in _DERIVED_CELLS.get(role, {}):
        return _DERIVED_CELLS[role][label]
    source, _, only = _DERIVED_COLUMNS[role].partition(":")
    cell = base[_BASE_ROLES.index(source)]
    return ("v" if "v" in cell.lower() else "") if only == "view" else cell


def _cells(label: str, row: str) -> tuple[str, ...]:
    base = tuple("" if cell == "-" else cell for cell in row.split())
    assert len(base) == len(_BASE_ROLES), label
    cells = base + tuple(_derived(label, base, role) for role in ROLES[len(_BASE_ROLES) :])
    assert len(cells) == len(ROLES), label
    assert set("".join(cells).lower()) <= set(MODEL_ACTIONS), label
    return cells


MODEL_MATRIX: dict[str, tuple[str, ...]] = {
    label: _cells(label, row) for label, row in _MATRIX_ROWS.items()
}
