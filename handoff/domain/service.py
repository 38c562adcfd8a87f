"""The gateway's domain, put together: queues, live help, bot turns, citizens, agents, cases and
the housekeeping, sharing one context. The transport calls it; tests build it with a fake publisher."""

from __future__ import annotations

from handoff.domain.agents import Agents
from handoff.domain.bot_turns import BotTurns
from handoff.domain.case_desk import CaseDesk
from handoff.domain.case_status import CaseStatusQuestions
from handoff.domain.cases import Cases
from handoff.domain.citizens import Citizens
from handoff.domain.context import Context
from handoff.domain.housekeeping import Housekeeping
from handoff.domain.live_help import LiveHelp
from handoff.domain.notices import Publisher
from handoff.domain.queues import Queues
from handoff.domain.subject_rights import SubjectRights


class Domain:
    def __init__(self, ctx: Context, publisher: Publisher) -> None:
        self.ctx = ctx
        self.queues = Queues(ctx)
        self.live_help = LiveHelp(ctx, self.queues)
        self.bot_turns = BotTurns(ctx, self.live_help, publisher)
        self.cases = Cases(ctx)
        self.case_desk = CaseDesk(ctx, self.cases)
        self.case_status = CaseStatusQuestions(ctx, self.cases)
        self.subject_rights = SubjectRights(ctx, self.case_desk)
        self.citizens = Citizens(ctx, self.queues, self.bot_turns, self.case_status)
        self.agents = Agents(ctx, self.queues)
        self.housekeeping = Housekeeping(ctx, self.queues, publisher)
