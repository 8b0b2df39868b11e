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
- Finance models are kept by finance (``courier.manage_finance``) and read by the manager
  (``courier.approve_finance``); their admin checks those permissions.
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
    "courier.deliveryauthorisation":      "va   va   va   v    v    vac  vac  vac  v    v",
    "courier.deliveryattempt":            "v    v    v    v    v    vac  vac  vac  v    v",
    "courier.evidencephoto":              "v    v    v    v    v    v    v    v    v    v",
    "courier.dispatchsettings":           "v    v    v    v    v    v    v    vc   v    v",
    "courier.order":                      "v    vac  v    v    v    vac  vac  vac  v    v",
    "courier.orderline":                  "v    vac  v    v    v    vac  vac  vac  v    v",
    "courier.orderexception":             "v    vAc  v    v    v    vAc  vAc  vAc  v    v",
    "courier.orderremark":                "v    vac  v    v    v    vac  vac  vac  v    v",
    "courier.returnrequest":              "v    v    vAcD vc   vc   vAc  vAc  vAc  v    v",
    "courier.recallslip":                 "v    v    vAcD vc   v    vAc  vAc  vAc  v    v",
    "courier.shipment":                   "v    vAc  vc   vc   vc   vAc  vAc  vAc  v    v",
    "courier.deskinstruction":            "v    vAcD vAcD vc   vc   vAc  vAc  vAc  v    v",
    # --- tracking (rules: only with tracking.manage_trackingpolicy, the manager's)
    "tracking.statusmapping":             "v    v    v    -    -    v    v    vacd v    -",
    "tracking.trackingevent":             "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.shipmenttracking":          "vAC  vA   vAC  -    -    vAC  vAC  vAC  v    -",
    "tracking.trackingpolicy":            "v    v    v    -    -    v    v    vc   v    -",
    "tracking.eventretention":            "v    v    v    -    -    v    v    vacd v    -",
    "tracking.archivedtrackingevent":     "v    v    v    -    -    v    v    v    v    -",
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
    "complaints.slapolicy":               "v    v    v    -    -    v    v    vac  vac  -",
    "complaints.complaintsettings":       "v    v    v    -    -    v    v    vc   vc   -",
    "complaints.survey":                  "vAC  v    vAC  -    -    vAC  vAC  vAC  vAC  -",
    "complaints.servicelevelday":         "vac  v    vac  -    -    vac  vac  vac  vac  -",
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

# Apps whose every model must have a row (a model added later fails the matrix test until it has).
MATRIX_APPS = ("courier", "tracking", "complaints", "staffing")


def _cells(label: str, row: str) -> tuple[str, ...]:
    cells = tuple("" if cell == "-" else cell for cell in row.split())
    assert len(cells) == len(ROLES), label
    assert set("".join(cells).lower()) <= set(MODEL_ACTIONS), label
    return cells


MODEL_MATRIX: dict[str, tuple[str, ...]] = {
    label: _cells(label, row) for label, row in _MATRIX_ROWS.items()
}
