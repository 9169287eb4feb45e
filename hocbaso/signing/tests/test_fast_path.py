"""The verifier's shortcuts change no verdict.

verify_packet canonicalises a packet once and cuts each referenced element's form
from it (xmldsig.CanonicalTree), parses each certificate once per process, and keeps
what follows from a chain and the trust store alone (TrustStore.chain_facts). Here
every forgery is verified twice: with those shortcuts, warm from the other packets,
and the long way (each element copied and canonicalised on its own, a fresh trust
store, no parsed certificate kept), and both must give the same checks.
"""

from __future__ import annotations

import base64
import binascii
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from hocbaso.packet import build_packet, issue_packet
from hocbaso.packet.examples import ISSUANCE
from hocbaso.signing import (
    Role,
    Status,
    TrustStore,
    VerificationResult,
    _parsed,
    sign_packet,
    verify_packet,
)
from hocbaso.signing import xmldsig as X
from hocbaso.signing.errors import SigningError
from hocbaso.signing.pki import Credential, DemoPki
from hocbaso.signing.tests.conftest import (
    NOW,
    SIGNED_AT,
    SNAPSHOT,
    People,
    sign_all,
    sign_teachers,
    signer,
)

DS = "http://www.w3.org/2000/09/xmldsig#"


# --- canonical forms cut from the whole -----------------------------------------


def every_element(root: etree._Element) -> Iterator[etree._Element]:
    return root.iter(etree.Element)  # type: ignore[arg-type]


def assert_cut_without_copying(
    root: etree._Element, monkeypatch: pytest.MonkeyPatch
) -> int:
    """Every element's cut equals its copy's form, and no copy was made for it."""
    expected = [(e, X.canonicalize(e)) for e in every_element(root)]
    with monkeypatch.context() as patch:
        patch.setattr(X, "canonicalize", _no_copy)
        tree = X.CanonicalTree(root)
        for element, form in expected:
            assert tree.canonical(element) == form, element.tag
    return len(expected)


def _no_copy(element: etree._Element) -> bytes:
    raise AssertionError(f"{element.tag} was copied, not cut")


def test_each_element_of_a_signed_packet_is_cut_as_copying_gives_it(
    signed: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert assert_cut_without_copying(etree.fromstring(signed), monkeypatch) > 200


TRICKY_DOCUMENT = b"""<r xmlns="urn:a" xmlns:p="urn:p" xmlns:unused="urn:u">
  <p:x Id="one" p:at="a&gt;b &quot;c&quot; &lt;d&gt; &amp; \t tab" z="&#10;">
    <y>text with "quotes" &gt; and &lt; and &amp;<![CDATA[ <cdata> & ]]></y>
    <!-- a comment <inside> -->
    <z xmlns=""><w Id="two"><w><w/></w></w></z>
    <p:x><p:x Id="three">same name nested</p:x></p:x>
    <q xmlns="urn:b" xmlns:p="urn:p2" Id="four"><p:k/><k/>tail</q>
  </p:x>
  <e Id="five"/>
  <f Id="six">   </f>
</r>"""


def test_namespaces_quotes_escapes_cdata_and_comments_are_cut_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert_cut_without_copying(etree.fromstring(TRICKY_DOCUMENT), monkeypatch)


@pytest.mark.parametrize(
    "document",
    [
        b'<r xmlns="urn:a"><?pi <x a="1"> </x>?><s Id="a"><t/></s></r>',
        b'<r xml:lang="vi"><s Id="a"><t xml:space="preserve"/></s></r>',
    ],
    ids=["processing instruction", "inherited xml attributes"],
)
def test_what_a_cut_cannot_express_is_copied(document: bytes) -> None:
    root = etree.fromstring(document)
    tree = X.CanonicalTree(root)
    for element in every_element(root):
        assert tree.canonical(element) == X.canonicalize(element), element.tag


ID_LOOKALIKES = b"""<r xmlns="urn:a">
  <a Id="x">text saying Id="x" and <![CDATA[ Id="y" ]]>, then Id="inner"</a>
  <b note=' Id="x" ' Id="y"> Id="y"</b>
  <c Id="twice"/><d Id="twice"><d Id="inner">nested, same name</d></d>
  <e Id="a&amp;b">escaped</e><e Id="tab&#9;x"/>
  <Signature Id="s"><SignedInfo><x/></SignedInfo><SignedInfo/></Signature>
  <g>an open quote: Id="</g><h Id="k"/><g>overlapping Id=" Id="m"</g><i Id="m"/>
</r>"""


def test_an_element_is_found_by_its_id_only_where_the_id_is_its_attribute() -> None:
    root = etree.fromstring(ID_LOOKALIKES)
    unique = etree.fromstring(ID_LOOKALIKES.replace(b'c Id="twice"', b'c Id="once"'))
    stranger = etree.fromstring(b'<r xmlns="urn:a"><a Id="x">other</a></r>')[0]
    for tree, document in (
        (X.CanonicalTree(root), root),
        (X.CanonicalTree(unique, X.index_ids(unique)), unique),
    ):
        for element in every_element(document):
            assert tree.canonical(element) == X.canonicalize(element), element.tag
        # An element of another tree is never cut from this one, whatever its Id.
        assert tree.canonical(stranger) == X.canonicalize(stranger)
        assert b"other" in tree.canonical(stranger)


def test_ids_alike_but_for_case_normalisation_or_namespace_are_told_apart() -> None:
    # Each element is cut where its own unprefixed Id is: not at an Id differing
    # only by case or by Unicode normalisation, nor at an Id in another namespace
    # or an xml:id (which sends the whole tree to copying).
    document = (
        '<r xmlns="urn:a" xmlns:p="urn:p"><a Id="x">1</a><b Id="X">2</b>'
        '<c p:Id="x" Id="y">3</c><d Id="\u00e9">4</d><e Id="e\u0301">5</e>'
        '<f Id="z"><g p:Id="z">6</g></f></r>'
    ).encode()
    for text in (document, document.replace(b'<f Id="z">', b'<f xml:id="z">')):
        root = etree.fromstring(text)
        for tree in (X.CanonicalTree(root), X.CanonicalTree(root, X.index_ids(root))):
            for element in every_element(root):
                assert tree.canonical(element) == X.canonicalize(element)
                assert tree.digest(element) == X.digest_of(element)


def test_a_text_stuffed_with_id_look_alikes_is_searched_per_id_and_cut_exactly() -> (
    None
):
    # Past a few hundred look-alikes the one-pass index would cost more than a
    # search per Id; either way each element is cut where its attribute is.
    stuffing = ' Id="a" Id="b"' * 400 + ' Id="'
    document = (
        f'<r xmlns="urn:a"><s>{stuffing}</s><a Id="a"><t>{stuffing}</t></a>'
        f'<b Id="b"><a>nested</a></b><c Id="c"/></r>'
    ).encode()
    root = etree.fromstring(document)
    for tree in (X.CanonicalTree(root), X.CanonicalTree(root, X.index_ids(root))):
        for element in every_element(root):
            assert tree.canonical(element) == X.canonicalize(element), element.tag
        assert tree._id_at is X._TOO_MANY


_names = st.sampled_from(["a", "b", "DIEM", "Signature", "x1"])
_prefixes = st.sampled_from([None, None, "p", "q", "ds"])
_uris = st.sampled_from(["urn:a", "urn:b", DS, "urn:x?y=1&z=2"])
_texts = st.text(alphabet=st.sampled_from(list("ab <>&\"'\t\n\r]]>ạữ")), max_size=12)
# Few Ids, so that trees repeat them, and text that looks like one.
_ids = st.sampled_from(["a", "b", ' Id="a"', 'x Id="b" ', 'open Id="', ' Id=" Id="a'])


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    prefix = draw(_prefixes)
    nsmap = {}
    if draw(st.booleans()):
        nsmap[prefix] = draw(_uris)
    tag = draw(_names)
    element = etree.Element(
        f"{{{nsmap[prefix]}}}{tag}" if prefix in nsmap else tag,
        nsmap=nsmap,  # type: ignore[arg-type]
    )
    for name in draw(st.lists(st.sampled_from(["Id", "k", "URI"]), unique=True)):
        element.set(name, draw(st.one_of(_texts, _ids)))
    element.text = draw(st.one_of(_texts, _ids)) or None
    if depth < 3:
        for _child in range(draw(st.integers(0, 3))):
            child = draw(trees(depth + 1))
            element.append(child)
            child.tail = draw(_texts) or None
    return element


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_any_tree_is_cut_as_copying_gives_it(built: etree._Element) -> None:
    # Parsed from its serialisation, as a packet is, so that namespaces are real.
    root = etree.fromstring(etree.tostring(built))
    try:  # with the Ids' index when they are unique, as verification has it
        ids: dict[str, etree._Element] | None = X.index_ids(root)
    except SigningError:
        ids = None
    for tree in (X.CanonicalTree(root), X.CanonicalTree(root, ids)):
        for element in every_element(root):
            assert tree.canonical(element) == X.canonicalize(element)


# --- the same verdict, the short way and the long way ----------------------------


def the_long_way(
    data: bytes, trust_dir: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> VerificationResult:
    with monkeypatch.context() as patch:
        patch.setattr(
            X.CanonicalTree, "canonical", lambda self, element: X.canonicalize(element)
        )
        patch.setattr(_parsed, "_PARSED_CERTIFICATES", {})
        store = TrustStore.from_directory(trust_dir)
        return verify_packet(data, store, at=NOW, **options)  # type: ignore[arg-type]


def _tampered_score(people: People, signed: bytes) -> bytes:
    return signed.replace(b"<diemcanam>7.6</diemcanam>", b"<diemcanam>9.6</diemcanam>")


def _wrong_key(people: People, signed: bytes) -> bytes:
    # The leader's certificate swapped for another person's: the value no longer
    # matches the key, whoever the certificate names.
    root = etree.fromstring(signed)
    leader = next(s for s in root.iter(f"{{{DS}}}Signature") if "-cbql-" in s.get("Id"))
    other = next(
        s for s in root.iter(f"{{{DS}}}Signature") if "-kyphathanh-" in s.get("Id")
    )
    mine = leader.find(f".//{{{DS}}}X509Certificate")
    theirs = other.find(f".//{{{DS}}}X509Certificate")
    mine.text = theirs.text
    return etree.tostring(root)


def _swapped(people: People, signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    sigs = {s.get("Id").split("-")[1]: s for s in root.iter(f"{{{DS}}}Signature")}
    homeroom, leader = sigs["gvcn"], sigs["cbql"]
    homeroom_slot, leader_slot = homeroom.getparent(), leader.getparent()
    homeroom_slot.append(leader)
    leader_slot.append(homeroom)
    return etree.tostring(root)


def _removed_teacher(people: People, signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    teacher = next(root.iter(f"{{{DS}}}Signature"))
    teacher.getparent().remove(teacher)
    return etree.tostring(root)


def _duplicate_id(people: People, signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    obj = next(root.iter(f"{{{DS}}}Object"))
    etree.SubElement(obj, f"{{{DS}}}Decoy", Id="data")
    return etree.tostring(root)


def _wrapped(people: People, signed: bytes) -> bytes:
    # Signature wrapping: the signed data moved into an Object under its Id, a
    # changed copy put where the data was.
    root = etree.fromstring(signed)
    data = next(e for e in root.iter() if e.get("Id") == "data")
    original = etree.fromstring(etree.tostring(data))
    data.set("Id", "data-changed")
    for score in data.iter("{*}diemcanam"):
        score.text = "10"
    obj = next(root.iter(f"{{{DS}}}Object"))
    obj.append(original)
    return etree.tostring(root)


FORGERIES: dict[str, Callable[[People, bytes], bytes]] = {
    "tampered data": _tampered_score,
    "wrong key": _wrong_key,
    "untrusted CA": lambda people, _s: sign_all(people, leader=people.stranger_leader),
    "revoked certificate": lambda people, _s: sign_all(
        people, leader=people.revoked_leader
    ),
    "revoked after signing, no timestamp": lambda people, _s: sign_all(
        people, leader=people.late_revoked_leader
    ),
    "expired certificate": lambda people, _s: sign_all(
        people, leader=people.expired_leader
    ),
    "another person's certificate": lambda people, _s: sign_all(
        people, leader=people.wrong_person
    ),
    "wrong order (swapped slots)": _swapped,
    "wrong order (teacher removed)": _removed_teacher,
    "duplicate Id": _duplicate_id,
    "wrapped data": _wrapped,
}


@pytest.fixture(scope="module")
def forgeries(people: People, signed: bytes) -> dict[str, bytes]:
    return {name: make(people, signed) for name, make in FORGERIES.items()}


@pytest.fixture(scope="module")
def warm_store(
    trust_dir: Path, signed: bytes, forgeries: dict[str, bytes]
) -> TrustStore:
    """One store that has seen the valid packet and every forgery already."""
    store = TrustStore.from_directory(trust_dir)
    for data in (signed, *forgeries.values()):
        verify_packet(data, store, at=NOW)
    return store


@pytest.mark.parametrize("name", list(FORGERIES))
def test_a_forgery_gets_the_same_checks_both_ways(
    name: str,
    forgeries: dict[str, bytes],
    warm_store: TrustStore,
    trust_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    short = verify_packet(forgeries[name], warm_store, at=NOW)
    long = the_long_way(forgeries[name], trust_dir, monkeypatch)
    assert short.status is not Status.VALID
    assert short.checks == long.checks
    assert short.status is long.status


def test_the_valid_packet_gets_the_same_checks_both_ways(
    signed: bytes,
    warm_store: TrustStore,
    trust_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    short = verify_packet(signed, warm_store, at=NOW)
    long = the_long_way(signed, trust_dir, monkeypatch)
    assert short.status is Status.VALID
    assert short.checks == long.checks
    assert short.signatures == long.signatures


# --- what stays per signature: the signing time ----------------------------------


def _signed_by_leader_at(people: People, leader: Credential, when) -> bytes:
    packet = sign_teachers(build_packet(SNAPSHOT), people)
    packet = sign_packet(
        packet, signer(people.homeroom), Role.HOMEROOM_TEACHER, signing_time=when
    )
    packet = sign_packet(packet, signer(leader), Role.LEADER, signing_time=when)
    packet = issue_packet(packet, ISSUANCE)
    return sign_packet(packet, signer(people.seal), Role.SEAL, signing_time=when)


def test_a_known_certificate_is_still_checked_at_each_signing_time(
    pki: DemoPki, people: People, trust_store: TrustStore
) -> None:
    leader = SNAPSHOT.leader
    short_lived = pki.person(
        leader.name,
        leader.personal_id,
        valid_from=SIGNED_AT - timedelta(days=3),
        valid_days=2,
    )
    inside = _signed_by_leader_at(people, short_lived, SIGNED_AT - timedelta(days=2))
    after = _signed_by_leader_at(people, short_lived, SIGNED_AT)
    store = TrustStore(
        trust_store.anchors,
        intermediates=[pki.issuing.certificate],
        crls=[pki.issuing.crl(), pki.root.crl()],
    )
    for _round in range(2):  # the second time every chain is known to the store
        assert verify_packet(inside, store, at=NOW).status is Status.VALID
        late = verify_packet(after, store, at=NOW)
        assert late.status is Status.INVALID
        assert {c.name for c in late.failures} == {"validity"}


def test_a_new_revocation_list_is_a_new_store_and_is_heeded(
    pki: DemoPki, people: People, tmp_path: Path
) -> None:
    leader = SNAPSHOT.leader
    credential = pki.person(leader.name, leader.personal_id)
    packet = sign_all(people, leader=credential)
    before = tmp_path / "before"
    before.mkdir()
    pki.write_trust_directory(before)
    store = TrustStore.from_directory(before)
    assert verify_packet(packet, store, at=NOW).status is Status.VALID
    pki.issuing.revoke(credential.certificate, SIGNED_AT - timedelta(days=1))
    after = tmp_path / "after"
    after.mkdir()
    pki.write_trust_directory(after)
    result = verify_packet(packet, TrustStore.from_directory(after), at=NOW)
    assert result.status is Status.INVALID
    assert {c.name for c in result.failures} == {"revocation"}
    # The first store keeps answering from its own CRLs: it never changes.
    assert verify_packet(packet, store, at=NOW).status is Status.VALID


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="ABCDabcd0189+/= \n\té", max_size=24),
        st.binary(max_size=18).map(lambda b: base64.b64encode(b).decode()),
    )
)
def test_base64_values_are_read_as_b64decode_reads_them(text: str) -> None:
    """_parsed reads DigestValue, SignatureValue and X509Certificate with binascii
    directly: the same bytes as base64.b64decode(validate=True) after the profile's
    whitespace removal, and refused exactly when it refuses."""
    from hocbaso.signing._parsed import MalformedSignatureError, _base64

    element = etree.Element(X.ds("DigestValue"))
    element.text = text
    try:
        expected: bytes | None = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        expected = None
    try:
        got: bytes | None = _base64(element)
    except MalformedSignatureError:
        got = None
    assert got == expected


def test_long_namespace_declarations_are_made_again_not_kept():
    # A stranger's packet may declare a megabyte of namespaces: kept for each of
    # its cut elements, a thousand such packets held gigabytes.
    def stranger(k: int) -> etree._Element:
        long = b"".join(
            b' xmlns:p%d="urn:%d:%d:%s"' % (i, k, i, b"x" * 2000) for i in range(50)
        )
        return etree.fromstring(b'<a xmlns="urn:a"%s><b/></a>' % long)

    roots = [stranger(k) for k in range(20)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for root in roots:
            declared = X.apex_namespaces(root[0])
            assert X.canonicalize(root[0]) == b"<b" + declared + b"></b>"
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 500_000  # 4 MB when kept
