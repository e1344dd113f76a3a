// Drives the lab notebook in Debian's Chromium with playwright-core (scripts/test_lab.sh installs it and starts
// the Jupyter server): runs the setup, imports and lab cells, presses pause and play, moves D's learning-rate
// slider, checks that the step counter advances and that two screenshots of the view differ, prints
// "N frames/s" (the view's redraws the browser saw), and presses stop.
//
// Usage: NODE_PATH=<folder with playwright-core> node scripts/test_lab.js NOTEBOOK_URL SCREENSHOT_DIR
"use strict";
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
	console.error("usage: node scripts/test_lab.js NOTEBOOK_URL SCREENSHOT_DIR");
	process.exit(2);
}

function fail(msg) {
	throw new Error("test_lab: " + msg);
}

async function stepOf(page) {
	const t = await page.locator(".lab-view .lab-step").first().textContent({ timeout: 5000 });
	return parseInt(t, 10);
}

(async () => {
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		args: ["--no-sandbox", "--disable-gpu"],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
		page.setDefaultTimeout(30000);
		await page.goto(url);
		// Notebook 6 (#notebook-container .cell) or 7 (.jp-Cell): wait for the cells and for the kernel.
		const cells = page.locator("#notebook-container .cell, .jp-Notebook .jp-Cell");
		await cells.first().waitFor();
		await page.waitForFunction(() => {
			const classic = document.querySelector("#kernel_indicator_icon");
			if (classic) return classic.classList.contains("kernel_idle_icon");
			const s = document.querySelector(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus");
			return !s || !/connecting|starting|unknown/i.test(s.textContent || s.getAttribute("data-status") || "");
		}, null, { timeout: 120000 });
		// Run the first five cells (title, setup, imports, prose, the lab) with Shift+Enter from the first.
		await cells.first().click();
		await page.keyboard.press("Escape");
		for (let i = 0; i < 5; i++) {
			await page.keyboard.press("Shift+Enter");
			await page.waitForTimeout(300);
		}
		// The lab's view appears once the cell compiled and ran; its controls once the browser answered them.
		const view = page.locator(".lab-view").first();
		await view.waitFor({ timeout: 240000 });
		const button = (name) => page.locator(`button:text-is("${name}")`).first();
		await button("stop").waitFor({ timeout: 240000 });
		await page.locator('input[type="range"]').nth(1).waitFor();

		await button("pause").click();
		await page.waitForTimeout(1000);
		const paused = await stepOf(page);
		await page.waitForTimeout(1000);
		if ((await stepOf(page)) !== paused) fail("the step counter moved while paused");
		await button("play").click();
		await page.waitForTimeout(1500);
		const s1 = await stepOf(page);
		if (!(s1 > paused)) fail(`the step counter did not advance after play: ${paused} then ${s1}`);

		// D's learning rate: tenths of a power of ten; -20 is 1e-2.
		await page.locator('input[type="range"]').nth(1).fill("-20");
		await page.waitForFunction(() => /D's learning rate/.test(document.querySelector(".lab-view .lab-message")?.textContent || ""),
			null, { timeout: 10000 });

		// The browser's frame rate: redraws of the view over three seconds.
		const frames = await page.evaluate(async () => {
			let n = 0;
			const root = document.querySelector(".lab-view").closest(".jp-OutputArea, .output") || document.body;
			const seen = new Set();
			const obs = new MutationObserver(() => {
				const v = document.querySelector(".lab-view");
				if (v && !seen.has(v)) {
					seen.add(v);
					n++;
				}
			});
			obs.observe(root, { childList: true, subtree: true });
			await new Promise((r) => setTimeout(r, 3000));
			obs.disconnect();
			return n / 3;
		});

		fs.mkdirSync(shots, { recursive: true });
		// The view is redrawn many times a second (each redraw a new element): shoot its place on the page.
		const shoot = async (name) => {
			const box = await page.evaluate(() => {
				const r = document.querySelector(".lab-view")?.getBoundingClientRect();
				return r && { x: r.x, y: Math.max(r.y, 0), width: r.width, height: Math.min(r.height, innerHeight - Math.max(r.y, 0)) };
			});
			if (!box || box.width < 1 || box.height < 1) fail("the lab's view is not on the page");
			return page.screenshot({ path: path.join(shots, name), clip: box });
		};
		await page.evaluate(() => document.querySelector(".lab-view")?.scrollIntoView());
		const a = await shoot("lab-1.png");
		await page.waitForTimeout(1000);
		const b = await shoot("lab-2.png");
		const s2 = await stepOf(page);
		if (!(s2 > s1)) fail(`the step counter did not advance: ${s1} then ${s2}`);
		if (Buffer.compare(a, b) === 0) fail("two screenshots a second apart are identical");

		await button("stop").click();
		await page.getByText(/lab: \d+ steps in/).first().waitFor({ timeout: 30000 });
		await page.screenshot({ path: path.join(shots, "lab-final.png"), fullPage: false });
		console.log(`steps ${paused} -> ${s1} -> ${s2}; screenshots differ; ${frames.toFixed(1)} frames/s`);
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error(e.message || e);
	process.exit(1);
});
