"""Writes the app icons (public/icons/): a 4x4 routing heatmap in the app's expert colours.

One cell pattern drawn twice, as SVG (the browser tab and "any" size) and as the 192 and 512 px
PNGs install prompts ask for (maskable: the cells keep inside the safe zone).
    python3 scripts/make-icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
BACKGROUND = "#1d2330"  # --ink in src/styles.css
EXPERTS = ["#440154", "#31688e", "#35b779", "#fde725"]  # VIRIDIS_4 in src/store/selectors.ts
# Expert per cell, row by row: the centre (where the object is) gets the large experts.
CELLS = [
    [0, 1, 1, 0],
    [1, 3, 2, 1],
    [1, 2, 3, 1],
    [0, 1, 1, 0],
]
# The grid spans the middle 64% of the icon: inside a maskable icon's 80% safe circle.
GRID_START, CELL, GAP = 0.18, 0.16, 0.012


def cells(size: float):
    for r, row in enumerate(CELLS):
        for c, expert in enumerate(row):
            x = (GRID_START + c * CELL) * size
            y = (GRID_START + r * CELL) * size
            yield x, y, (CELL - GAP) * size, EXPERTS[expert]


def svg() -> str:
    rects = "".join(
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{w:g}" rx="2" fill="{fill}"/>'
        for x, y, w, fill in cells(100)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="18" fill="{BACKGROUND}"/>{rects}</svg>\n'
    )


def png(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BACKGROUND)  # full bleed: the OS applies its mask
    draw = ImageDraw.Draw(image)
    for x, y, w, fill in cells(size):
        draw.rounded_rectangle([x, y, x + w, y + w], radius=size * 0.02, fill=fill)
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg())
    for size in (192, 512):
        png(size).save(OUT / f"icon-{size}.png", optimize=True)
