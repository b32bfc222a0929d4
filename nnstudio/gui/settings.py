"""The settings nnstudio remembers between sessions, read with typed defaults."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT_FILES = 10


class Settings:
    """A typed view of QSettings: recent files, window layout, last folder."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings if qsettings is not None else QSettings()

    @property
    def recent_files(self) -> list[str]:
        value = self._s.value("files/recent", [], type=list)
        return [str(v) for v in value if v]

    def add_recent_file(self, path: str | os.PathLike) -> None:
        path = os.path.abspath(path)
        files = [path, *(f for f in self.recent_files if f != path)]
        self._s.setValue("files/recent", files[:MAX_RECENT_FILES])

    def remove_recent_file(self, path: str) -> None:
        self._s.setValue("files/recent", [f for f in self.recent_files if f != path])

    @property
    def last_directory(self) -> str:
        return str(self._s.value("files/last_directory", os.path.expanduser("~"), type=str))

    @last_directory.setter
    def last_directory(self, folder: str) -> None:
        self._s.setValue("files/last_directory", folder)

    @property
    def window_geometry(self) -> QByteArray:
        return self._s.value("window/geometry", QByteArray(), type=QByteArray)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._s.value("window/state", QByteArray(), type=QByteArray)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def theme(self) -> str:
        value = str(self._s.value("window/theme", "system", type=str))
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("window/theme", value)

    def sync(self) -> None:
        self._s.sync()
