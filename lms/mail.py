"""Outgoing email: sent over SMTP when MAIL_SERVER is configured, written to the log otherwise.

Callers send only after the transaction that decided to send has committed.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_mails(mails: Sequence[Mail], config: Mapping[str, Any]) -> list[bool]:
    """Send the messages over one SMTP connection, with the app's `config`; for each, whether
    it went (a refused or failed one is logged and the others still go)."""
    if not mails:
        return []
    if not config.get("MAIL_SERVER"):
        for mail in mails:
            log.info(
                "Mail not sent (no MAIL_SERVER): to %s: %s\n%s", mail.to, mail.subject, mail.body
            )
        return [True] * len(mails)
    sent = [False] * len(mails)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
            if config.get("MAIL_USE_STARTTLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            for index, mail in enumerate(mails):
                try:
                    smtp.send_message(_message(mail, config["MAIL_SENDER"]))
                    sent[index] = True
                except smtplib.SMTPRecipientsRefused:
                    log.warning("mail to %s refused by the server", mail.to)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail (%d of %d sent)", sum(sent), len(mails))
    return sent


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message
