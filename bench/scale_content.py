"""Made-up content for the scale edition: section texts in Indonesian words, and the photo, its
thumbnail and the SK letter every proposal points to."""

import io
import random

from PIL import Image

WORDS = (  # noqa: SIM905
    "pelayanan publik masyarakat warga inovasi daerah kota kabupaten data digital aplikasi "
    "layanan cepat mudah murah terpadu pengaduan kesehatan pendidikan anak ibu lansia desa "
    "kelurahan kecamatan anggaran program kegiatan hasil dampak manfaat peningkatan "
    "penurunan waktu biaya antrian dokumen izin perizinan kependudukan sampah air bersih "
    "jalan pasar petani nelayan umkm ekonomi sosial budaya partisipasi kolaborasi replikasi "
    "keberlanjutan regulasi peraturan wali kota surat keputusan tim pelaksana evaluasi "
    "monitoring capaian target indikator survei kepuasan persen tahun bulan minggu hari "
    "jumlah penerima"
).split()


def text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 480), (38, 110, 160))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (38, 110, 160)).save(buffer, format="WEBP")
    return buffer.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
