"""Draw the integration's brand images (icon and logo, light and dark).

Run with `.venv/bin/python scripts/brand.py`; the PNGs land in
custom_components/flashforge/brand/, where Home Assistant 2026.3 and later
picks them up for custom integrations.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).parents[1] / "custom_components" / "flashforge" / "brand"
ORANGE = (242, 101, 34, 255)
WHITE = (255, 255, 255, 255)
INK = {"": (33, 33, 33, 255), "dark_": (235, 235, 235, 255)}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw_icon(size: int) -> Image.Image:
    """Draw a printer nozzle laying a line, on an orange rounded square."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = size / 16
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=3 * unit, fill=ORANGE)
    # Heater block, nozzle cone and the printed line under it.
    draw.rectangle((5 * unit, 3 * unit, 11 * unit, 7 * unit), fill=WHITE)
    draw.polygon(
        [
            (6 * unit, 7 * unit),
            (10 * unit, 7 * unit),
            (8.6 * unit, 10 * unit),
            (7.4 * unit, 10 * unit),
        ],
        fill=WHITE,
    )
    draw.rectangle((3 * unit, 11.5 * unit, 13 * unit, 12.5 * unit), fill=WHITE)
    return image


def draw_logo(height: int, ink: tuple[int, int, int, int]) -> Image.Image:
    """Draw the icon followed by the name, as wide as they need."""
    try:
        font: ImageFont.ImageFont | ImageFont.FreeTypeFont = ImageFont.truetype(
            FONT, height // 4
        )
    except OSError:
        font = ImageFont.load_default()
    margin = height // 8
    icon_size = height - 2 * margin
    text_left = height
    width = int(text_left + font.getlength("FlashForge") + margin)
    logo = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    logo.paste(draw_icon(icon_size), (margin, margin))
    ImageDraw.Draw(logo).text(
        (text_left, height // 2), "FlashForge", font=font, fill=ink, anchor="lm"
    )
    return logo


def main() -> None:
    """Write every brand image."""
    BRAND.mkdir(exist_ok=True)
    for scale, suffix in ((1, ""), (2, "@2x")):
        draw_icon(256 * scale).save(BRAND / f"icon{suffix}.png", optimize=True)
        for prefix, ink in INK.items():
            draw_logo(128 * scale, ink).save(
                BRAND / f"{prefix}logo{suffix}.png", optimize=True
            )


if __name__ == "__main__":
    main()
