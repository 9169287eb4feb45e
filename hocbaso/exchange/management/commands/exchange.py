"""``hocbaso exchange``: identity, trusted peers, sending rounds, status, resend."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocbaso.commands import BaseCommand, CommandError
from hocbaso.exchange import delivery, outbox, peer_list, signed, transfers, trust
from hocbaso.exchange.errors import ExchangeError
from hocbaso.exchange.models import (
    BatchState,
    CrossTransfer,
    Identity,
    OutboundBatch,
    Peer,
)
from hocbaso.exchange.status import batch_lines
from hocbaso.records.models import School
from hocbaso.registry import actions as registry
from hocbaso.registry.actors import Actor
from hocbaso.registry.errors import RegistryError
from hocbaso.registry.witnessing import witness_key


class Command(BaseCommand):
    help = _("Exchange with the national repository and other departments.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help=_("name this installation in the exchange"))
        init.add_argument(
            "--code", required=True, help=_("department code or national")
        )
        init.add_argument("--name", default="")
        sub.add_parser("key", help=_("print this installation's code and keys (JSON)"))
        trust = sub.add_parser("trust", help=_("register a peer this one trusts"))
        trust.add_argument("--code")
        trust.add_argument("--kind", choices=Peer.Kind.values)
        trust.add_argument("--key", help=_("its exchange verifier key"))
        trust.add_argument(
            "--ledger-key", default="", help=_("its ledger verifier key")
        )
        trust.add_argument(
            "--witness-key",
            default="",
            help=_("its witness cosignature key, if it is one"),
        )
        trust.add_argument("--url", default="", help=_("where it answers"))
        trust.add_argument("--name", default="")
        trust.add_argument(
            "--valid-from",
            help=_("when a new key starts (ISO 8601; default now); the previous ends"),
        )
        trust.add_argument(
            "--ca", nargs="*", default=[], help=_("its CA certificates (PEM files)")
        )
        trust.add_argument(
            "--file",
            help=_(
                "a JSON list of peers: code, kind, key, ledger_key, witness_key, "
                "url, ca"
            ),
        )
        send = sub.add_parser("send", help=_("queue a locked round and deliver it"))
        send.add_argument("--year", required=True)
        send.add_argument("--round", required=True)
        send.add_argument("--to", default=signed.NATIONAL)
        send.add_argument("--batch-size", type=int, default=outbox.DEFAULT_BATCH_SIZE)
        send.add_argument("--attempts", type=int, default=5)
        send.add_argument("--backoff", type=float, default=1.0)
        send.add_argument(
            "--limit", type=int, help=_("deliver at most this many batches")
        )
        send.add_argument("--url", help=_("another address of the receiver"))
        deliver = sub.add_parser("deliver", help=_("deliver the batches that are due"))
        deliver.add_argument("--to", default=signed.NATIONAL)
        deliver.add_argument("--attempts", type=int, default=5)
        deliver.add_argument("--backoff", type=float, default=1.0)
        deliver.add_argument("--limit", type=int, help=_("at most this many batches"))
        deliver.add_argument("--url", help=_("another address of the receiver"))
        status = sub.add_parser("status", help=_("every outgoing batch and its state"))
        status.add_argument("--json", action="store_true")
        resend = sub.add_parser("resend", help=_("send a batch again"))
        resend.add_argument("batch")
        resend.add_argument("--attempts", type=int, default=5)
        resend.add_argument("--backoff", type=float, default=1.0)
        consent = sub.add_parser(
            "consent", help=_("a parent's consent token for a transfer out (signed)")
        )
        consent.add_argument("--student", required=True, help=_("student code"))
        consent.add_argument("--level", required=True, choices=["primary", "secondary"])
        consent.add_argument("--to-school", required=True)
        ask = sub.add_parser(
            "request-transfer", help=_("ask another department for a transcript")
        )
        ask.add_argument("--from", dest="peer", required=True, help=_("its department"))
        ask.add_argument("--student", required=True)
        ask.add_argument("--level", required=True, choices=["primary", "secondary"])
        ask.add_argument("--school", required=True, help=_("the receiving school"))
        ask.add_argument("--consent-file", required=True)
        ask.add_argument("--as", dest="username", required=True, help=_("staff login"))
        release = sub.add_parser(
            "release", help=_("release a transcript asked for and send its records")
        )
        release.add_argument("transfer")
        release.add_argument("--as", dest="username", required=True)
        sub.add_parser("transfers", help=_("transfers across provinces"))
        demo = sub.add_parser(
            "prepare-demo", help=_("seed a tiny department under CODE and lock a round")
        )
        demo.add_argument("--code", required=True)
        demo.add_argument("--province", required=True)
        demo.add_argument("--seed", type=int, default=1)
        demo.add_argument(
            "--classes", type=int, default=1, help=_("classes locked a round (0: all)")
        )
        demo.add_argument("--scale", default="tiny", choices=["tiny", "small"])
        demo.add_argument("--password", default="demo password")

    def handle(self, *args, **options):
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except (ExchangeError, RegistryError) as exc:
            raise CommandError(f"{exc} ({exc.code})") from exc

    def _init(self, options):
        Identity.objects.all().delete()
        Identity.objects.create(code=options["code"], name=options["name"])
        self._key(options)

    def _key(self, options):
        keys = {
            "code": signed.identity_code(),
            "role": settings.HOCBASO_ROLE,
            "exchange_key": signed.signer().verifier_key().to_string(),
            "ledger_key": registry.ledger_verifier_key(),
            "witness_key": witness_key(),
        }
        self.stdout.write(json.dumps(keys))

    def _trust(self, options):
        """Every peer is checked before any is registered: a bad entry in a file
        leaves the trusted peers as they were."""
        file = options["file"]
        peers = peer_list.read_peers(file) if file else [_peer(options)]
        peer_list.check_peers(peers)
        at = timezone.now()
        with transaction.atomic():
            for peer in peers:
                trust.register_peer(peer, at=at)
        for peer in peers:
            self.stdout.write(_("%(code)s is trusted.") % {"code": peer["code"]})

    def _policy(self, options):
        return delivery.Policy(attempts=options["attempts"], backoff=options["backoff"])

    def _send(self, options):
        queued = outbox.queue_round(
            options["year"],
            options["round"],
            at=timezone.now(),
            destination=options["to"],
            batch_size=options["batch_size"],
        )
        records = sum(b.record_count for b in queued)
        self.stdout.write(
            _("Queued %(batches)s batches holding %(records)s records.")
            % {"batches": len(queued), "records": records}
        )
        self._deliver(options)

    def _deliver(self, options):
        """Enqueue the delivery task; with the tasks run inline (no worker
        configured to wait), report it and fail if a batch is not acknowledged."""
        from hocbaso.season.delivering import enqueue_delivery

        job = enqueue_delivery(
            destination=options["to"],
            attempts=options["attempts"],
            backoff=options["backoff"],
            limit=options.get("limit"),
            url=options.get("url") or "",
        )
        if not job.is_finished:
            self.stdout.write(
                _("Delivery enqueued (job %(job)s).") % {"job": job.public_id}
            )
            return
        handled = OutboundBatch.objects.filter(
            batch_id__in=job.result.get("batches", [])
        ).order_by("created_at", "sequence")
        for line in batch_lines(handled):
            self.stdout.write(line)
        if job.state == job.State.FAILED:
            raise CommandError("; ".join(job.errors))
        if job.result.get("failed"):
            raise CommandError(
                _("Some batches are not acknowledged yet: see hocbaso exchange status.")
            )

    def _status(self, options):
        batches = list(OutboundBatch.objects.order_by("created_at", "sequence"))
        if options["json"]:
            rows = [
                {
                    "batch": b.batch_id,
                    "destination": b.destination,
                    "school_year": b.school_year,
                    "round": b.round,
                    "sequence": b.sequence,
                    "state": b.state,
                    "records": b.record_count,
                    "stored": b.stored_count,
                    "duplicate": b.duplicate_count,
                    "attempts": b.attempts,
                    "receipt_sha256": signed.sha256_hex(b.receipt) if b.receipt else "",
                    "last_error": b.last_error,
                }
                for b in batches
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for line in batch_lines(batches):
            self.stdout.write(line)

    def _resend(self, options):
        """Send exactly this batch; a batch still not acknowledged is an error."""
        batch = delivery.mark_for_resend(options["batch"])
        peer = signed.peer(batch.destination)
        if not peer.url:
            raise ExchangeError(
                _("No address is registered for %(p)s.") % {"p": peer.code}
            )
        delivery.deliver_batch(
            batch, peer, delivery.HttpTransport(), self._policy(options), timezone.now
        )
        batch.refresh_from_db()
        for line in batch_lines([batch]):
            self.stdout.write(line)
        if batch.state != BatchState.SENT:
            raise CommandError(
                _("Batch %(id)s is still not acknowledged: %(error)s")
                % {"id": batch.batch_id, "error": batch.last_error}
            )

    def _actor(self, username: str) -> Actor:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("There is no login %(username)r.") % {"username": username}
            )
        return Actor.of_user(user)

    def _consent(self, options):
        self.stdout.write(
            transfers.issue_consent(
                student_code=options["student"],
                level=options["level"],
                to_school=options["to_school"],
                at=timezone.now(),
            )
        )

    def _request_transfer(self, options):
        school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(
                _("There is no school with the code %(code)r.")
                % {"code": options["school"]}
            )
        cross = transfers.request_transfer(
            from_department=options["peer"],
            student_code=options["student"],
            level=options["level"],
            school=school,
            consent=peer_list.read_text(options["consent_file"]),
            actor=self._actor(options["username"]),
            at=timezone.now(),
        )
        self.stdout.write(cross.transfer_id)

    def _release(self, options):
        cross = CrossTransfer.objects.filter(
            transfer_id=options["transfer"], side=CrossTransfer.Side.SENDING
        ).first()
        if cross is None:
            raise CommandError(
                _("There is no transfer %(id)r to send from this department.")
                % {"id": options["transfer"]}
            )
        if cross.state == CrossTransfer.State.REQUESTED:
            step = registry.transfer_status(
                cross.registry_transfer, actor=Actor.system()
            )
            if step.state == "requested":
                registry.release_transfer(
                    cross.registry_transfer,
                    school=cross.school,
                    actor=self._actor(options["username"]),
                )
        cross = transfers.send_transcript(cross.transfer_id, at=timezone.now())
        self.stdout.write(f"{cross.transfer_id} {cross.state}")

    def _transfers(self, options):
        for cross in CrossTransfer.objects.select_related("school"):
            self.stdout.write(
                f"{cross.transfer_id} {cross.side} {cross.state} {cross.peer} "
                f"{cross.school.code} {cross.other_school_code} {cross.student_code}"
            )

    def _prepare_demo(self, options):
        from hocbaso.exchange.demo import prepare_department

        counts = prepare_department(
            code=options["code"],
            province_name=options["province"],
            seed=options["seed"],
            data_dir=Path(settings.DATA_DIR),
            classes_per_round=options["classes"] or None,
            scale=options["scale"],
            password=options["password"],
        )
        self.stderr.write(json.dumps(counts))
        self._key(options)


def _peer(options) -> dict:
    if not (options["code"] and options["kind"] and options["key"]):
        raise CommandError(_("trust needs --code, --kind and --key, or --file."))
    fields = ("code", "kind", "key", "ledger_key", "witness_key", "url", "valid_from")
    return {k: options[k] for k in fields} | {
        "name": options["name"],
        "ca": options["ca"],
    }
