"""Certificates issued to learners."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Certificate


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_enrolment(self, enrolment_id: int) -> Certificate | None:
        """The newest certificate of the enrolment, valid or revoked (a re-issue is newer)."""
        statement = (
            select(Certificate)
            .where(Certificate.enrolment_id == enrolment_id)
            .order_by(Certificate.id.desc())
            .limit(1)
        )
        return await self._session.scalar(statement)

    async def by_code(self, code: str) -> Certificate | None:
        return await self._session.scalar(select(Certificate).where(Certificate.code == code))

    async def replacement_of(self, certificate_id: int) -> Certificate | None:
        """The certificate that re-issued this one, if any."""
        statement = select(Certificate).where(Certificate.reissue_of_id == certificate_id).order_by(Certificate.id)
        return await self._session.scalar(statement.limit(1))

    def add(self, certificate: Certificate) -> Certificate:
        self._session.add(certificate)
        return certificate

    async def flush(self) -> None:
        await self._session.flush()
