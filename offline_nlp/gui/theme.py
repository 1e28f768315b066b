"""Light, dark or the system's appearance (the ``theme`` key of the settings file).

Light and dark use Qt's Fusion style with a fixed palette, which looks the same under
every desktop (and under Xvfb, where there is no system theme to follow); ``system``
puts back the style and palette the application started with.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

__all__ = ["THEMES", "apply_theme", "current_theme"]

THEMES = (("system", "Same as the system"), ("light", "Light"), ("dark", "Dark"))

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
    QPalette.ColorRole.Text: "#e8e8e8",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e8e8e8",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#6cb4ff",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
}


# Fusion outlines check boxes and progress bars in the window colour darkened: on a dark
# window that is black on near-black, and an unchecked box or an empty bar disappears.
_DARK_OUTLINE = QColor("#9a9a9a")


class _DarkStyle(QProxyStyle):
    """Fusion with visible outlines on check boxes, radio buttons and progress bars."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            self._outline(painter, option.rect, radius=2)  # type: ignore[attr-defined]
        elif element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(_DARK_OUTLINE, 1))
            painter.drawEllipse(option.rect.adjusted(1, 1, -2, -2))  # type: ignore[attr-defined]
            painter.restore()

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption,
                    painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_ProgressBarGroove:
            self._outline(painter, option.rect, radius=2)  # type: ignore[attr-defined]

    @staticmethod
    def _outline(painter: QPainter, rect: QRect, radius: int) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_DARK_OUTLINE, 1))
        painter.setBrush(QColor(0, 0, 0, 0))
        painter.drawRoundedRect(QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5), radius, radius)
        painter.restore()


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    return palette


def apply_theme(theme: str, app: QApplication | None = None) -> None:
    """Switch the whole application to ``system``, ``light`` or ``dark`` at once."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return
    if app.property("offline_nlp_style") is None:   # remember what "system" means
        app.setProperty("offline_nlp_style", app.style().name())
        app.setProperty("offline_nlp_palette", app.palette())
    if theme == "system":
        app.setStyle(QStyleFactory.create(str(app.property("offline_nlp_style"))))
        app.setPalette(app.property("offline_nlp_palette"))
    else:
        app.setStyle(_DarkStyle() if theme == "dark" else QStyleFactory.create("Fusion"))
        fusion = QStyleFactory.create("Fusion").standardPalette()
        app.setPalette(_dark_palette() if theme == "dark" else fusion)
    app.setProperty("offline_nlp_theme", theme)


def current_theme(app: QApplication | None = None) -> str:
    app = app or QApplication.instance()  # type: ignore[assignment]
    value = app.property("offline_nlp_theme") if app is not None else None
    return str(value) if value else "system"
