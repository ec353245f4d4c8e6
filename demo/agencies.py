"""Demo agencies and accounts of Kota Sukabumi. Idempotent: a second run changes nothing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from agencies.enums import AgencyKind as K
from agencies.enums import MembershipRole, Role
from agencies.models import Agency, Membership

DEMO_PASSWORD = "demo-kiks-2021"

# (slug, name, short name, kind, parent slug, bound by the obligation)
AGENCIES = [
    ("setda", "Sekretariat Daerah", "Setda", K.SEKRETARIAT, None, True),
    ("setwan", "Sekretariat DPRD", "Setwan", K.SEKRETARIAT, None, True),
    ("inspektorat", "Inspektorat Daerah", "Inspektorat", K.INSPEKTORAT, None, True),
    (
        "bappeda",
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        "Bappeda",
        K.BADAN,
        None,
        True,
    ),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", K.BADAN, None, True),
    (
        "bkpsdm",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "BKPSDM",
        K.BADAN,
        None,
        True,
    ),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD", K.BADAN, None, True),
    ("disdikbud", "Dinas Pendidikan dan Kebudayaan", "Disdikbud", K.DINAS, None, True),
    ("dinkes", "Dinas Kesehatan", "Dinkes", K.DINAS, None, True),
    ("dputr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUTR", K.DINAS, None, True),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", K.DINAS, None, True),
    (
        "satpolpp",
        "Satuan Polisi Pamong Praja dan Pemadam Kebakaran",
        "Satpol PP",
        K.OTHER,
        None,
        True,
    ),
    ("dinsos", "Dinas Sosial", "Dinsos", K.DINAS, None, True),
    ("disnaker", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", K.DINAS, None, True),
    (
        "dp2kbp3a",
        "Dinas Pengendalian Penduduk, Keluarga Berencana, Pemberdayaan Perempuan dan "
        "Perlindungan Anak",
        "DP2KBP3A",
        K.DINAS,
        None,
        True,
    ),
    ("dkp3", "Dinas Ketahanan Pangan, Pertanian dan Perikanan", "DKP3", K.DINAS, None, True),
    ("dlh", "Dinas Lingkungan Hidup", "DLH", K.DINAS, None, True),
    ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", K.DINAS, None, True),
    ("dishub", "Dinas Perhubungan", "Dishub", K.DINAS, None, True),
    (
        "diskominfo",
        "Dinas Komunikasi, Informatika, Statistik dan Persandian",
        "Diskominfo",
        K.DINAS,
        None,
        True,
    ),
    (
        "dkukmpp",
        "Dinas Koperasi, Usaha Kecil dan Menengah, Perdagangan dan Perindustrian",
        "DKUKMPP",
        K.DINAS,
        None,
        True,
    ),
    (
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
        K.DINAS,
        None,
        True,
    ),
    ("disporapar", "Dinas Kepemudaan, Olahraga dan Pariwisata", "Disporapar", K.DINAS, None, True),
    ("dispusipda", "Dinas Perpustakaan dan Kearsipan Daerah", "Dispusipda", K.DINAS, None, True),
    ("kec-baros", "Kecamatan Baros", "Kec. Baros", K.KECAMATAN, None, True),
    ("kec-cibeureum", "Kecamatan Cibeureum", "Kec. Cibeureum", K.KECAMATAN, None, True),
    ("kec-cikole", "Kecamatan Cikole", "Kec. Cikole", K.KECAMATAN, None, True),
    ("kec-citamiang", "Kecamatan Citamiang", "Kec. Citamiang", K.KECAMATAN, None, True),
    ("kec-gunungpuyuh", "Kecamatan Gunungpuyuh", "Kec. Gunungpuyuh", K.KECAMATAN, None, True),
    ("kec-lembursitu", "Kecamatan Lembursitu", "Kec. Lembursitu", K.KECAMATAN, None, True),
    ("kec-warudoyong", "Kecamatan Warudoyong", "Kec. Warudoyong", K.KECAMATAN, None, True),
    # Units under an agency: they take part, the obligation sits with their parent.
    ("rsud-syamsudin", "RSUD R. Syamsudin, S.H.", "RSUD Syamsudin", K.RSUD, "dinkes", False),
    ("rsud-al-mulk", "RSUD Al-Mulk", "RSUD Al-Mulk", K.RSUD, "dinkes", False),
    ("pkm-tipar", "Puskesmas Tipar", "PKM Tipar", K.PUSKESMAS, "dinkes", False),
    ("pkm-sukabumi", "Puskesmas Sukabumi", "PKM Sukabumi", K.PUSKESMAS, "dinkes", False),
    ("uptd-labkesda", "UPTD Laboratorium Kesehatan Daerah", "Labkesda", K.UPTD, "dinkes", False),
    (
        "kel-nanggeleng",
        "Kelurahan Nanggeleng",
        "Kel. Nanggeleng",
        K.KELURAHAN,
        "kec-citamiang",
        False,
    ),
    (
        "kel-gunungpuyuh",
        "Kelurahan Gunungpuyuh",
        "Kel. Gunungpuyuh",
        K.KELURAHAN,
        "kec-gunungpuyuh",
        False,
    ),
    # City-owned companies take part but are not bound by the obligation.
    (
        "perumda-tirta",
        "Perumda Air Minum Tirta Bumi Wibawa",
        "Tirta Bumi Wibawa",
        K.PERUMDA,
        None,
        False,
    ),
    ("perumda-bpr", "Perumda BPR Kota Sukabumi", "BPR Kota Sukabumi", K.PERUMDA, None, False),
    ("perumda-pasar", "Perumda Pasar Kota Sukabumi", "Perumda Pasar", K.PERUMDA, None, False),
    (
        "perumda-sukabumi-sejahtera",
        "Perumda Sukabumi Sejahtera",
        "Sukabumi Sejahtera",
        K.PERUMDA,
        None,
        False,
    ),
]

# (username, first name, last name, roles, [(agency slug, membership role)], superuser)
ACCOUNTS = [
    ("admin", "Admin", "KIKS", [Role.ORGANISER], [("setda", MembershipRole.MEMBER)], True),
    (
        "organisasi",
        "Bagian",
        "Organisasi",
        [Role.ORGANISER],
        [("setda", MembershipRole.MEMBER)],
        False,
    ),
    (
        "operator.dispusipda",
        "Operator",
        "Dispusipda",
        [Role.OPERATOR],
        [("dispusipda", MembershipRole.OPERATOR)],
        False,
    ),
    (
        "operator.dinsos",
        "Operator",
        "Dinas Sosial",
        [Role.OPERATOR],
        [("dinsos", MembershipRole.OPERATOR)],
        False,
    ),
    ("juri1", "Juri", "Satu", [Role.JUDGE], [("dinkes", MembershipRole.MEMBER)], False),
    ("juri2", "Juri", "Dua", [Role.JUDGE], [], False),
    ("juri3", "Juri", "Tiga", [Role.JUDGE], [], False),
    ("juri4", "Juri", "Empat", [Role.JUDGE], [], False),
    ("juri5", "Juri", "Lima", [Role.JUDGE], [], False),
    ("walikota", "Wali Kota", "Sukabumi", [Role.LEADERSHIP, Role.JUDGE], [], False),
]


@transaction.atomic
def load(stdout=None):
    by_slug = {}
    for slug, name, short_name, kind, parent_slug, obligated in AGENCIES:
        agency, _created = Agency.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "parent": by_slug.get(parent_slug),
                "is_obligated": obligated,
            },
        )
        by_slug[slug] = agency

    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    for username, first, last, roles, memberships, superuser in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@kiks.example",
                "is_staff": Role.ORGANISER in roles,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(*(groups[str(role)] for role in roles))
        for agency_slug, membership_role in memberships:
            Membership.objects.get_or_create(
                user=user,
                agency=by_slug[agency_slug],
                is_active=True,
                defaults={"role": membership_role},
            )
    if stdout:
        stdout.write(f"  agencies: {len(by_slug)}, accounts: {len(ACCOUNTS)}")
