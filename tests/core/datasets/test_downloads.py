"""Keras datasets: downloads with progress and cancel into Keras' cache (against a local
server: tests never touch the network), offline messages, and files the user already has."""

import gzip
import hashlib
import http.server
import shutil
import socket
import threading

import numpy as np
import pytest

from nnstudio.core.datasets import (
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    downloads,
    load_dataset,
)
from nnstudio.core.datasets.downloads import KERAS_SETS, RemoteFile, download, keras_home
from nnstudio.core.resources import resource

PAYLOAD = bytes(range(256)) * 4096  # 1 MB


@pytest.fixture
def keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"


@pytest.fixture(scope="module")
def server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that cancelled mid-download

    httpd = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/file"
    httpd.shutdown()
    httpd.server_close()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


def remote(url, sha=None):
    return RemoteFile(url, "datasets/test.bin", sha, 1.0)


def test_download_reports_progress_and_lands_where_keras_caches(keras_cache, server):
    seen = []
    path = download(
        remote(server, hashlib.sha256(PAYLOAD).hexdigest()),
        KERAS_SETS["mnist"],
        lambda f, t: seen.append(f),
        lambda: False,
    )
    assert path == keras_cache / "datasets" / "test.bin"
    assert path.read_bytes() == PAYLOAD
    assert seen[-1] == pytest.approx(1.0)
    assert seen == sorted(seen)


def test_cancel_and_bad_checksum_leave_no_file(keras_cache, server):
    with pytest.raises(DatasetCancelled, match="cancelled"):
        download(remote(server), KERAS_SETS["mnist"], lambda f, t: None, lambda: True)
    with pytest.raises(DatasetError, match="damaged"):
        download(remote(server, "0" * 64), KERAS_SETS["mnist"], lambda f, t: None, lambda: False)
    assert not list((keras_cache / "datasets").iterdir())


def test_offline_says_so_and_offers_the_sample(keras_cache, monkeypatch):
    spec = KERAS_SETS["mnist"]
    offline = downloads.KerasSet(
        spec.title,
        (remote(closed_port_url()),),
        spec.classes,
        spec.description,
        spec.attribution,
        spec.sample_hint,
    )
    monkeypatch.setitem(KERAS_SETS, "mnist", offline)
    with pytest.raises(DatasetError) as e:
        load_dataset("mnist")
    assert "seems to be offline" in str(e.value)
    assert str(e.value).endswith(
        "seems to be offline. Use the bundled MNIST sample instead, or point nnstudio to a copy "
        "you already have."
    )
    cifar = downloads.offline_message(KERAS_SETS["cifar10"], "no route")
    assert cifar.endswith("offline. Point nnstudio to a copy you already have.")


def test_an_mnist_npz_the_user_already_has(tmp_path):
    with (
        resource("datasets", "mnist-10k.npz").open("rb") as f,
        (tmp_path / "mnist.npz").open("wb") as g,
    ):
        shutil.copyfileobj(f, g)
    d = load_dataset(str(tmp_path / "mnist.npz"))
    assert d.name == "MNIST"
    assert d.x_train.shape == (8000, 28, 28, 1)
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(DatasetError, match=r"is not an mnist\.npz"):
        load_dataset(DatasetSource("mnist", str(tmp_path / "bad.npz")))


def _idx(path, array, labels):
    header = (
        (b"\x00\x00\x08\x01" + len(array).to_bytes(4, "big"))
        if labels
        else (b"\x00\x00\x08\x03" + len(array).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
    )
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_files_the_user_already_has(tmp_path):
    sample = load_dataset("fashion-mnist-sample")
    _idx(tmp_path / "train-labels-idx1-ubyte.gz", sample.y_train[:100], True)
    _idx(tmp_path / "train-images-idx3-ubyte.gz", sample.x_train[:100, ..., 0], False)
    _idx(tmp_path / "t10k-labels-idx1-ubyte.gz", sample.y_test[:20], True)
    with pytest.raises(DatasetError, match=r"lacks Fashion-MNIST's t10k-images-idx3-ubyte\.gz"):
        load_dataset(str(tmp_path))
    _idx(tmp_path / "t10k-images-idx3-ubyte.gz", sample.x_test[:20, ..., 0], False)
    d = load_dataset(str(tmp_path))
    assert d.name == "Fashion-MNIST"
    assert np.array_equal(d.x_train, sample.x_train[:100])
    assert d.class_names[9] == "Ankle boot"


def test_only_the_official_cifar_archive_is_opened(tmp_path):
    fake = tmp_path / "cifar-10-python.tar.gz"
    fake.write_bytes(b"not really")
    with pytest.raises(DatasetError, match="holds pickled Python data"):
        load_dataset(str(fake))


def test_keras_home_follows_keras(keras_cache):
    assert keras_home() == keras_cache
