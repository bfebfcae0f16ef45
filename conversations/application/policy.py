"""The numbers the eligibility rules and the fee quote depend on, how the fee is paid, and
whether applicants are emailed, in one place.

Defaults follow the credential page and the product decisions in the requirements; staff change
them through settings (see ``bot.settings``), never in the flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACCREDITED = "accredited"
ENDORSED = "endorsed"
NON_ACCREDITED = "non_accredited"


@dataclass(frozen=True)
class Policy:
    min_training_hours: float = 50
    max_training_hours: float = 2000  # above this an answer is taken for a typo
    min_engagements: int = 10
    max_engagements: int = 10_000
    cpm_cycle_years: int = 2
    max_file_bytes: int = 20_000_000  # Telegram's bot download limit: 20 MB
    member_fee_usd: int = 450
    non_member_fee_usd: int = 598
    # IMC's page names no payment method: a link and/or instructions (an invoice, a bank
    # transfer) as IMC sets them; with neither, applicants are told IMC will send instructions.
    payment_url: str | None = None
    payment_instructions: str | None = None
    support_reply_hours: int = 48  # how soon support usually answers a question passed to a person
    # Whether the bot emails applicants (SMTP configured): only then do its words promise email.
    sends_email: bool = False
    review_weeks: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {ACCREDITED: (4, 6), ENDORSED: (6, 8), NON_ACCREDITED: (8, 10)}
    )

    @property
    def tells_how_to_pay(self) -> bool:
        """Whether IMC set how to pay (a link or instructions); if not, it sends instructions."""
        return bool(self.payment_url or self.payment_instructions)

    def fee_usd(self, *, member: bool) -> int:
        return self.member_fee_usd if member else self.non_member_fee_usd

    def support_reply_time(self) -> str:
        """E.g. "usually within 2 working days" (48 hours), "usually within 4 working hours"."""
        days, hours = divmod(self.support_reply_hours, 24)
        if hours:
            amount, unit = self.support_reply_hours, "hour"
        else:
            amount, unit = days, "day"
        return f"usually within {amount} working {unit}{'' if amount == 1 else 's'}"
