"""The default proposal sections: the national KIPP 2023 form (see DOMAIN.md).

Weights are the share of the desk-evaluation score. An edition copies this list when it is created
and the organiser may change it until submissions open. The texts are data the organiser edits, in
the organiser's language, so they are stored as written here and not translated.
"""

# (key, title, guidance, weight, min words, max words, evidence required)
KIPP_2023_SECTIONS = [
    (
        "ringkasan",
        "Ringkasan",
        "Apa inovasinya, masalah yang diselesaikan, dan hasilnya, paling banyak 200 kata. "
        "Teks ini yang pertama dibaca publik.",
        0,
        30,
        200,
        False,
    ),
    (
        "latar_belakang",
        "Latar Belakang dan Tujuan",
        "Masalah sebelum ada inovasi, siapa yang terdampak, dan tujuan inovasi.",
        10,
        100,
        1000,
        False,
    ),
    (
        "kebaruan",
        "Kebaruan / Nilai Tambah",
        "Apa yang baru dibanding cara pelayanan sebelumnya dan di tempat lain.",
        15,
        100,
        1000,
        False,
    ),
    (
        "implementasi",
        "Implementasi Inovasi",
        "Bagaimana inovasi diterapkan: tahapan, waktu, dan pihak yang terlibat.",
        5,
        100,
        1000,
        False,
    ),
    (
        "signifikansi",
        "Signifikansi",
        "Dampak beserta bukti: data sebelum dan sesudah, penerima manfaat, testimoni.",
        30,
        100,
        1500,
        True,
    ),
    (
        "adaptabilitas",
        "Adaptabilitas",
        "Apakah dan bagaimana inovasi sudah atau dapat direplikasi oleh perangkat daerah atau "
        "daerah lain.",
        20,
        100,
        1000,
        False,
    ),
    (
        "sumber_daya",
        "Sumber Daya",
        "Sumber daya manusia, anggaran, dan sarana yang digunakan inovasi.",
        5,
        50,
        800,
        False,
    ),
    (
        "keberlanjutan",
        "Strategi Keberlanjutan",
        "Bagaimana inovasi bertahan: regulasi, dukungan anggaran, komitmen kelembagaan.",
        15,
        100,
        1000,
        False,
    ),
]
