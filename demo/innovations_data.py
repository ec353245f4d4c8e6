"""The demo's tables (loaded by demo.innovations): the innovations of KIKS 2021 and of the current
edition, the organiser's notes, and the sentences the section texts are made of."""

from innovations.enums import ProposalStatus

S = ProposalStatus
PS, TK = "pelayanan_publik", "tata_kelola"


def _table(text: str) -> list[tuple]:
    """Rows of a demo table: fields split by "|", an indented line continues the row above.

    Fields: agency slug | acronym | expansion | name ("=": the expansion) | what it does |
    SDG numbers | "digital" or "-" | form ("PS" public service, "TK" governance).
    """
    records: list[str] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" ") and records:
            records[-1] += " " + line.strip()
        elif line.strip():
            records.append(line.strip())
    rows = []
    for record in records:
        agency, acronym, expansion, name, purpose, sdgs, digital, form = (
            field.strip() for field in record.split("|")
        )
        rows.append(
            (
                agency,
                acronym,
                expansion,
                expansion if name == "=" else name,
                purpose,
                tuple(int(n) for n in sdgs.split()),
                digital == "digital",
                {"PS": PS, "TK": TK}[form],
            )
        )
    return rows


TOP_SIX = _table(
    """
dispusipda | Cendol | Cerita dan dongeng online | Cerita dan Dongeng Online Perpustakaan Kota
  | menghadirkan cerita dan dongeng anak secara daring melalui kanal video dan siaran langsung
  | 4 10 | digital | PS
dkp3 | One RooF | One Region, one Offtaker | One Region One Offtaker
  | mempertemukan kelompok tani kota dengan satu pembeli tetap untuk setiap komoditas
  | 1 2 8 | - | PS
kec-citamiang | Petikemas | Pelayanan Terpadu Kecamatan untuk Masyarakat
  | Pelayanan Terpadu Kecamatan Citamiang
  | menyatukan layanan administrasi kecamatan dan kelurahan dalam satu loket terpadu
  | 16 11 | - | PS
dinsos | Udunan Online | Urunan warga secara daring | Udunan Online
  | menggalang urunan warga secara daring untuk membantu keluarga rentan | 1 10 17 | digital | PS
pkm-tipar | Sicepot | Sistem cepat pelayanan ODGJ | Sistem Cepat Pelayanan ODGJ
  | mempercepat penjangkauan dan pengobatan orang dengan gangguan jiwa di wilayah puskesmas
  | 3 10 | - | PS
rsud-syamsudin | Rijari | Periksa jantung sendiri | Periksa Jantung Sendiri
  | mengajak warga memeriksa denyut dan irama jantung sendiri sebagai deteksi dini | 3 | - | PS
"""
)
# Recognised earlier (two were in the West Java Top 10 of 2020).
RECOGNISED = _table(
    """
rsud-al-mulk | Cetek | Cukup e-KTP dan KK | =
  | memungkinkan pasien mendaftar berobat hanya dengan e-KTP dan Kartu Keluarga
  | 3 16 | digital | PS
kec-gunungpuyuh | Sikalem | Sistem Kotak Layanan Elektronik Mandiri | =
  | menyediakan anjungan layanan mandiri untuk surat-menyurat warga di kecamatan
  | 16 9 | digital | PS
rsud-syamsudin | Bunut FM | Radio kesehatan RSUD | Radio Kesehatan Bunut FM
  | menyiarkan edukasi kesehatan melalui radio rumah sakit dan siaran streaming | 3 4 | - | PS
"""
)
OTHERS_2021 = _table(
    """
setda | Sapa Warga | Sistem Aduan dan Pelayanan Aspirasi Warga | =
  | mengelola aduan dan aspirasi warga dalam satu kanal | 16 | digital | TK
setda | Simona | Sistem Monitoring Naskah Dinas | =
  | memantau alur naskah dinas sampai ditandatangani | 16 | digital | TK
setwan | E-Reses | Elektronik Rekap Aspirasi Reses | =
  | merekap aspirasi reses anggota dewan secara elektronik | 16 17 | digital | TK
inspektorat | Si Wasdal | Sistem Pengawasan dan Pengendalian Internal | =
  | memantau tindak lanjut temuan pemeriksaan | 16 | digital | TK
inspektorat | Lagrad | Layanan Pelaporan Gratifikasi Daring | =
  | memudahkan pegawai melaporkan gratifikasi secara daring | 16 | digital | TK
bappeda | Sipeka | Sistem Perencanaan Kota Terpadu | =
  | menyatukan data perencanaan pembangunan kota | 11 17 | digital | TK
bappeda | E-Musrenbang | Musyawarah Perencanaan Pembangunan Elektronik | =
  | menjaring usulan musrenbang dari kelurahan secara elektronik | 11 16 | digital | TK
bpkad | Sipadu | Sistem Pajak Daerah Terpadu | =
  | memudahkan wajib pajak membayar pajak daerah | 8 16 | digital | PS
bpkad | Simbada | Sistem Informasi Manajemen Barang Daerah | =
  | mencatat dan menelusuri barang milik daerah | 12 16 | digital | TK
bkpsdm | Sikepo | Sistem Kepegawaian Online | =
  | melayani usulan kenaikan pangkat dan cuti pegawai secara daring | 8 16 | digital | TK
bkpsdm | Ngabring | Ngajar Bareng ASN | =
  | mengajak ASN berbagi ilmu dalam kelas bersama | 4 8 | - | TK
bpbd | Sigap | Siaga Bencana Terpadu | =
  | mempercepat laporan dan respons kejadian bencana | 11 13 | digital | PS
bpbd | Katana | Kampung Tangguh Bencana | =
  | melatih warga kampung menghadapi bencana | 11 13 | - | PS
disdikbud | Serasi | Sekolah Ramah Anak dan Inklusi | =
  | membangun sekolah yang ramah anak dan menerima anak berkebutuhan khusus | 4 10 | - | PS
disdikbud | Sidaring | Sistem Belajar Daring | =
  | menyediakan materi belajar daring bagi siswa | 4 | digital | PS
disdikbud | Gelis | Gerakan Literasi Sekolah | =
  | menumbuhkan kebiasaan membaca di sekolah | 4 | - | PS
dputr | Silaju | Sistem Laporan Jalan Rusak | =
  | menerima laporan jalan rusak lengkap dengan foto dan lokasi | 9 11 | digital | PS
dputr | Sipanji | Sistem Perizinan Bangunan Terintegrasi | =
  | mempercepat persetujuan bangunan gedung | 9 11 | digital | PS
disperkim | Sirutilahu | Sistem Informasi Rumah Tidak Layak Huni | =
  | memetakan rumah tidak layak huni untuk bantuan perbaikan | 1 11 | digital | PS
satpolpp | Sijamra | Sistem Jawab Cepat Kebakaran | =
  | mempercepat respons pemadam kebakaran | 11 | digital | PS
satpolpp | Pantau | Pengaduan Ketertiban Umum | =
  | menerima aduan ketertiban umum dari warga | 11 16 | digital | PS
dinsos | Sidata | Sistem Data Terpadu Kesejahteraan Sosial | =
  | memutakhirkan data keluarga penerima bantuan sosial | 1 10 | digital | TK
disnaker | Bukaon | Bursa Kerja Online | =
  | mempertemukan pencari kerja dengan perusahaan | 8 | digital | PS
disnaker | Kakudig | Kartu Pencari Kerja Digital | =
  | menerbitkan kartu pencari kerja secara digital | 8 | digital | PS
dp2kbp3a | Sahabat | Satuan Hati untuk Anak Terlindungi | =
  | mendampingi anak korban kekerasan | 5 16 | - | PS
dp2kbp3a | Si Kabeh | Sistem Informasi Kampung KB Efektif dan Hemat | =
  | memantau kegiatan kampung keluarga berencana | 3 5 | digital | TK
dkp3 | Tani Kota | Pertanian Perkotaan Terpadu | =
  | mengajak warga bertani di pekarangan | 2 11 | - | PS
dlh | Basdig | Bank Sampah Digital | =
  | mencatat tabungan bank sampah warga secara digital | 11 12 | digital | PS
dlh | Sipelas | Sistem Pelaporan Sampah Liar | =
  | menerima laporan tumpukan sampah liar | 11 12 | digital | PS
disdukcapil | Jebol | Jemput Bola Perekaman KTP-el | =
  | merekam KTP-el warga lansia dan disabilitas di rumah | 10 16 | - | PS
disdukcapil | Si Dudung | Sistem Dukcapil Daring Untuk Warga | =
  | melayani dokumen kependudukan secara daring | 16 | digital | PS
dishub | E-Parkir | Parkir Elektronik | =
  | menarik retribusi parkir secara nontunai | 9 11 | digital | PS
dishub | Angkot Pintar | Angkutan Kota Terpantau | =
  | memantau posisi angkutan kota secara langsung | 9 11 | digital | PS
diskominfo | Sadata | Sukabumi Satu Data | =
  | menyatukan data sektoral perangkat daerah | 9 17 | digital | TK
diskominfo | Sakti | Sukabumi Aplikasi Kota Terintegrasi | =
  | menyatukan aplikasi layanan kota dalam satu pintu | 9 16 | digital | PS
dkukmpp | Lapak | Layanan Pemasaran Produk UMKM Kota | =
  | memasarkan produk UMKM melalui etalase daring | 8 9 | digital | PS
dkukmpp | Teruling | Tera Ulang Keliling | =
  | melayani tera ulang timbangan pedagang di pasar | 8 12 | - | PS
dpmptsp | Si Kilat | Sistem Izin Kilat | =
  | menerbitkan izin usaha mikro dalam satu hari | 8 16 | digital | PS
dpmptsp | MPP Digital | Mal Pelayanan Publik Digital | =
  | menyatukan antrean layanan mal pelayanan publik | 16 | digital | PS
disporapar | Sipanora | Sistem Informasi Pariwisata Kota | =
  | mengenalkan destinasi wisata kota | 8 11 | digital | PS
disporapar | Gema | Gerakan Pemuda Mandiri | =
  | melatih pemuda berwirausaha | 4 8 | - | PS
dispusipda | Sikedip | Sistem Kearsipan Digital | =
  | mendigitalkan arsip dinas agar mudah ditemukan | 16 | digital | TK
kec-baros | Barokah | Baros Kompak Hidup Sehat | =
  | menggerakkan warga hidup sehat bersama kader | 3 | - | PS
kec-cibeureum | Citra | Cibeureum Tanggap Warga | =
  | menanggapi aduan warga dalam satu hari kerja | 16 | digital | PS
kec-cikole | Sikole | Sistem Informasi Kecamatan Cikole | =
  | menyediakan informasi layanan kecamatan | 16 | digital | PS
kec-lembursitu | Lembaya | Lembursitu Berdaya | =
  | memberdayakan ekonomi perempuan di kelurahan | 5 8 | - | PS
kec-warudoyong | Wargi | Warudoyong Gerak Inovasi | =
  | mengajak kelurahan berlomba membuat layanan baru | 11 17 | - | PS
pkm-sukabumi | Sibumil | Sistem Pemantauan Ibu Hamil | =
  | memantau kehamilan berisiko tinggi bersama kader | 3 5 | digital | PS
uptd-labkesda | Labku | Laboratorium Keliling Untukmu | =
  | membawa layanan periksa laboratorium ke kelurahan | 3 | - | PS
kel-nanggeleng | Nanbers | Nanggeleng Bersih | =
  | mengelola sampah rumah tangga bersama warga | 6 11 | - | PS
kel-gunungpuyuh | Gupuy Sehat | Gunungpuyuh Sehat | =
  | mendampingi lansia memeriksa kesehatan rutin | 3 | - | PS
rsud-al-mulk | Antol | Antrean Online | =
  | mengatur antrean poliklinik secara daring | 3 9 | digital | PS
"""
)
PERUMDA_2021 = _table(
    """
perumda-tirta | Sibaper | Sistem Baca Meter Pelanggan Mandiri | =
  | mengajak pelanggan membaca meter air sendiri lewat ponsel | 6 9 | digital | PS
perumda-bpr | Sikomar | Sistem Kredit Online Masyarakat | =
  | memproses pengajuan kredit usaha kecil secara daring | 8 1 | digital | PS
perumda-pasar | Epas | Elektronik Retribusi Pasar | =
  | memungut retribusi pasar secara nontunai | 8 9 | digital | PS
perumda-sukabumi-sejahtera | Lapak Sejahtera | Lapak Usaha Sejahtera | =
  | menyewakan lapak usaha bagi pedagang kecil | 8 1 | - | PS
"""
)
# 2021 proposals refused, and those first sent back for changes (by acronym), with the notes.
REJECTED_2021 = {
    "Simona": "Merupakan pengembangan aplikasi rutin; unsur kebaruan belum tampak.",
    "Kakudig": "Dokumen pendukung tidak sesuai dengan substansi inovasi.",
    "Gema": "Inovasi masih berupa rencana kegiatan; belum ada bukti penerapan.",
    "Teruling": "Kegiatan tera ulang merupakan tugas rutin, belum memenuhi unsur inovasi.",
    "Lapak Sejahtera": "Data sebelum dan sesudah penerapan tidak dilampirkan.",
}
SENT_BACK_2021 = {
    "Sipadu": "Lengkapi SK inisiator yang ditandatangani kepala perangkat daerah.",
    "Barokah": "Tambahkan data jumlah warga yang terlayani pada bagian Signifikansi.",
    "Labku": "Tautan video tidak dapat dibuka; mohon perbarui tautannya.",
}

# New innovations of the current edition (same table format).
NEW_INNOVATIONS = _table(
    """
dispusipda | Pusling Digital | Perpustakaan Keliling Digital | =
  | membawa buku cetak dan buku elektronik ke sekolah dan taman kota dengan mobil perpustakaan
  | 4 10 | digital | PS
pkm-tipar | Sigizi | Sistem Pemantauan Gizi Balita | =
  | memantau status gizi balita dari posyandu sampai puskesmas | 2 3 | digital | PS
bappeda | Sirena | Sistem Rencana dan Anggaran | Sistem Rencana dan Anggaran Terpadu
  | menyelaraskan rencana kerja dengan anggaran perangkat daerah | 16 17 | digital | TK
disdukcapil | Dukcapil Keliling | Layanan Kependudukan Keliling | =
  | membawa layanan dokumen kependudukan ke kelurahan | 16 10 | - | PS
dishub | Halte Pintar | Halte dengan Informasi Kedatangan | Halte Pintar Kota Sukabumi
  | menampilkan perkiraan kedatangan angkutan kota di halte | 9 11 | digital | PS
dlh | Komposku | Kompos Rumah Tangga Terpadu | =
  | mengolah sampah organik rumah tangga menjadi kompos | 12 13 | - | PS
"""
)
# (agency slug, acronym of the innovation, track slug, status, complete, organiser note)
CURRENT_PROPOSALS = [
    ("dispusipda", "Pusling Digital", "umum", S.DRAFT, True, ""),
    (
        "dinsos",
        "Udunan Online",
        "umum",
        S.CHANGES_REQUESTED,
        True,
        "Lengkapi data pendukung pada bagian Signifikansi dengan jumlah donatur dan penerima "
        "manfaat tahun ini, lalu kirim kembali.",
    ),
    ("dkp3", "Tani Kota", "umum", S.SUBMITTED, True, ""),
    ("kec-citamiang", "Petikemas", "kewilayahan", S.SUBMITTED, True, ""),
    ("pkm-tipar", "Sigizi", "umum", S.SUBMITTED, True, ""),
    ("bappeda", "Sirena", "umum", S.DRAFT, False, ""),
    ("disdukcapil", "Dukcapil Keliling", "umum", S.DRAFT, False, ""),
    ("dishub", "Halte Pintar", "umum", S.DRAFT, False, ""),
]

# Section texts: sentences per section key; joined they stay within the KIPP word limits.
SECTION_TEXTS = {
    "ringkasan": [
        "{acronym} ({expansion}) adalah inovasi {agency} yang {purpose}.",
        "Inovasi ini berjalan sejak {started} dan telah melayani sekitar {people} warga Kota "
        "Sukabumi.",
        "Hasilnya, waktu layanan turun dari {before} hari menjadi {after} hari dan kepuasan "
        "masyarakat naik menjadi {satisfaction} persen.",
    ],
    "latar_belakang": [
        "Sebelum {acronym} hadir, warga yang membutuhkan layanan ini harus datang langsung ke "
        "kantor {agency} dan sering menunggu lama tanpa kepastian.",
        "Data tahun sebelumnya menunjukkan rata-rata penyelesaian layanan memerlukan {before} "
        "hari kerja, dengan banyak keluhan yang masuk melalui kanal pengaduan kota.",
        "Kelompok yang paling terdampak adalah warga lanjut usia, penyandang disabilitas, dan "
        "warga yang bekerja pada jam kantor sehingga sulit meninggalkan pekerjaan.",
        "Keterbatasan petugas dan pencatatan yang masih manual membuat data sulit ditelusuri dan "
        "laporan pimpinan terlambat disusun.",
        "Tujuan inovasi ini adalah {purpose} sehingga layanan menjadi lebih cepat, mudah, "
        "terjangkau, dan dapat dipertanggungjawabkan.",
        "Inovasi juga bertujuan memperkuat kepercayaan masyarakat kepada pemerintah kota melalui "
        "layanan yang terbuka dan terukur.",
        "Dengan demikian, {agency} dapat memusatkan tenaga petugas pada pekerjaan yang paling "
        "dibutuhkan warga dan mengurangi pekerjaan administrasi yang berulang.",
    ],
    "kebaruan": [
        "Kebaruan {acronym} terletak pada cara layanan diberikan: {purpose}, sesuatu yang "
        "sebelumnya belum pernah dilakukan di Kota Sukabumi.",
        "Dibanding cara lama, warga tidak lagi perlu mengisi formulir berulang kali karena data "
        "cukup dicatat satu kali dan dipakai bersama oleh petugas yang berwenang.",
        "Inovasi ini memadukan peran petugas, kader, dan teknologi sederhana yang sudah akrab "
        "dengan masyarakat sehingga mudah diterima.",
        "Sepengetahuan tim, pendekatan serupa di daerah lain masih terbatas pada uji coba dan "
        "belum dijalankan sebagai layanan rutin seperti di {agency}.",
        "Nilai tambah lainnya adalah tersedianya data yang dapat dipantau pimpinan setiap saat "
        "untuk mengambil keputusan dengan cepat dan tepat.",
        "Inovasi ini juga membuka ruang partisipasi warga untuk memberi masukan langsung atas "
        "mutu layanan yang mereka terima.",
        "Cara kerja ini sederhana, murah, dan dapat dipahami oleh petugas maupun warga tanpa "
        "pelatihan yang panjang atau peralatan yang mahal.",
    ],
    "implementasi": [
        "Penerapan {acronym} dimulai pada {started} melalui tahap perencanaan, uji coba terbatas, "
        "evaluasi, dan penerapan penuh.",
        "Pada tahap perencanaan tim menyusun alur layanan baru, standar operasional prosedur, dan "
        "pembagian tugas antarpetugas {agency}.",
        "Uji coba dilakukan selama tiga bulan di wilayah percontohan dengan melibatkan {staff} "
        "petugas dan perwakilan masyarakat sebagai pengguna awal.",
        "Masukan dari uji coba dipakai untuk memperbaiki formulir, jadwal layanan, dan cara "
        "penyampaian informasi kepada warga.",
        "Setelah evaluasi, inovasi diterapkan di seluruh wilayah kota dan ditetapkan melalui "
        "keputusan kepala perangkat daerah.",
        "Sosialisasi dilakukan melalui media sosial, radio, papan informasi, serta pertemuan "
        "dengan ketua RT dan RW.",
        "Setiap bulan tim menggelar rapat evaluasi untuk membahas kendala di lapangan, "
        "mencatat usulan perbaikan, dan memantau capaian target layanan.",
    ],
    "signifikansi": [
        "Sejak diterapkan, {acronym} telah melayani sekitar {people} warga dengan waktu "
        "penyelesaian rata-rata {after} hari, turun dari {before} hari sebelumnya.",
        "Survei kepuasan masyarakat yang dilakukan {agency} menunjukkan indeks kepuasan naik "
        "menjadi {satisfaction} persen.",
        "Jumlah pengaduan terkait layanan ini turun lebih dari separuh dibanding tahun sebelum "
        "inovasi berjalan.",
        "Biaya yang dikeluarkan warga untuk transportasi dan fotokopi berkurang karena sebagian "
        "besar proses dapat diselesaikan lebih dekat dengan tempat tinggal mereka.",
        "Bagi pemerintah kota, data yang terkumpul membantu perencanaan program dan penganggaran "
        "yang lebih tepat sasaran.",
        "Testimoni warga dan pemberitaan media lokal yang terlampir menunjukkan manfaat inovasi "
        "dirasakan langsung oleh penerima layanan.",
        "Capaian tersebut dipantau melalui laporan bulanan yang disampaikan kepada pimpinan dan "
        "dibahas bersama dalam forum perangkat daerah.",
    ],
    "adaptabilitas": [
        "{acronym} mudah direplikasi karena menggunakan sumber daya yang umumnya sudah dimiliki "
        "perangkat daerah lain.",
        "Alur layanan, standar operasional prosedur, dan format pelaporan telah dibakukan dan "
        "dapat dibagikan kepada instansi yang berminat.",
        "Beberapa kecamatan dan perangkat daerah di Kota Sukabumi telah mempelajari inovasi ini "
        "untuk diterapkan pada layanan mereka.",
        "Pemerintah daerah lain di Jawa Barat juga telah melakukan kunjungan kerja untuk "
        "mempelajari penerapannya.",
        "Tim {agency} bersedia mendampingi replikasi melalui pelatihan singkat dan penyediaan "
        "dokumen panduan.",
        "Dengan penyesuaian kecil, inovasi ini dapat diterapkan baik di wilayah perkotaan maupun "
        "perdesaan.",
        "Biaya replikasi relatif kecil karena sebagian besar kebutuhan berupa penataan alur kerja, "
        "pelatihan petugas, dan pemanfaatan sarana yang sudah tersedia di kantor.",
    ],
    "sumber_daya": [
        "Inovasi ini dijalankan oleh {staff} petugas {agency} yang telah mendapat pelatihan "
        "tentang alur layanan baru.",
        "Anggaran berasal dari APBD Kota Sukabumi melalui program rutin perangkat daerah tanpa "
        "tambahan biaya besar.",
        "Sarana yang digunakan meliputi komputer, jaringan internet kantor, telepon pintar "
        "petugas, serta media sosial resmi.",
        "Dukungan juga datang dari kader, relawan, dan mitra swasta yang membantu sosialisasi "
        "kepada masyarakat.",
        "Pembagian peran dan jadwal petugas ditetapkan secara tertulis agar layanan tetap "
        "berjalan ketika ada pegawai yang cuti atau dimutasi.",
    ],
    "keberlanjutan": [
        "Keberlanjutan {acronym} dijamin melalui keputusan kepala perangkat daerah yang "
        "menetapkan inovasi ini sebagai bagian dari standar pelayanan.",
        "Kegiatan inovasi telah dimasukkan ke dalam rencana kerja dan anggaran tahunan {agency} "
        "sehingga tidak bergantung pada satu orang pegawai.",
        "Pengetahuan tentang inovasi didokumentasikan dalam panduan tertulis dan video pelatihan "
        "untuk petugas baru.",
        "Evaluasi dilakukan setiap enam bulan dengan melibatkan pengguna layanan untuk "
        "memastikan inovasi tetap relevan.",
        "Ke depan, inovasi akan dikembangkan bersama perangkat daerah lain dan diintegrasikan "
        "dengan layanan kota yang sudah ada.",
        "Komitmen pimpinan ditunjukkan melalui pemantauan rutin dan dukungan kebijakan dari "
        "pemerintah kota.",
        "Kerja sama dengan kelurahan, kader, dan komunitas warga terus dijaga agar inovasi tetap "
        "dikenal dan dimanfaatkan oleh masyarakat luas.",
    ],
}
