import { describe, expect, it } from 'vitest';
import type { AdapterInfo } from './backendChoice';
import { adapterLabel, chooseBackend, softwareAdapterEvidence, wasmThreads } from './backendChoice';

// What Chromium reports here with --enable-unsafe-webgpu (browser-runtime.md).
const swiftshader: AdapterInfo = {
  vendor: 'google',
  architecture: 'swiftshader',
  description: '',
  isFallbackAdapter: true,
  shaderF16: false,
};
const hardware: AdapterInfo = {
  vendor: 'nvidia',
  architecture: 'ampere',
  description: 'NVIDIA GeForce RTX 3080',
  isFallbackAdapter: false,
  shaderF16: true,
};

describe('softwareAdapterEvidence', () => {
  it('names the flag and the renderer of a fallback adapter', () => {
    expect(softwareAdapterEvidence(swiftshader)).toBe('isFallbackAdapter, swiftshader');
  });
  it('recognises SwiftShader even when isFallbackAdapter is false', () => {
    expect(softwareAdapterEvidence({ ...swiftshader, isFallbackAdapter: false })).toBe(
      'swiftshader',
    );
  });
  it('is null for a hardware adapter', () => {
    expect(softwareAdapterEvidence(hardware)).toBeNull();
  });
});

describe('chooseBackend', () => {
  it('auto: hardware adapter -> webgpu', () => {
    expect(chooseBackend('auto', hardware)).toEqual({
      ok: true,
      backend: 'webgpu',
      reason: 'Hardware WebGPU adapter found (nvidia / ampere).',
    });
  });
  it('auto: software adapter -> wasm, and says why', () => {
    const choice = chooseBackend('auto', swiftshader);
    expect(choice).toEqual({
      ok: true,
      backend: 'wasm',
      reason:
        'WebGPU adapter is a software fallback (google / swiftshader: isFallbackAdapter, swiftshader); WASM is faster here.',
    });
  });
  it('auto: no adapter -> wasm', () => {
    expect(chooseBackend('auto', null)).toMatchObject({ ok: true, backend: 'wasm' });
  });
  it('the user can force either backend', () => {
    expect(chooseBackend('wasm', hardware)).toMatchObject({ ok: true, backend: 'wasm' });
    const forced = chooseBackend('webgpu', swiftshader);
    expect(forced).toMatchObject({ ok: true, backend: 'webgpu' });
    expect(forced.reason).toMatch(/software fallback.*slow/);
  });
  it('forcing webgpu without an adapter fails with a sentence', () => {
    const choice = chooseBackend('webgpu', null);
    expect(choice.ok).toBe(false);
    expect(choice.reason).toMatch(/no WebGPU adapter/);
  });
});

describe('wasmThreads', () => {
  it('is 1 without cross-origin isolation', () => {
    expect(wasmThreads(false, 8)).toBe(1);
  });
  it('uses the cores, capped at 4', () => {
    expect(wasmThreads(true, 2)).toBe(2);
    expect(wasmThreads(true, 16)).toBe(4);
    expect(wasmThreads(true, 0)).toBe(1);
    expect(wasmThreads(true, Number.NaN)).toBe(1);
  });
});

describe('adapterLabel', () => {
  it('falls back to the description, then a placeholder', () => {
    expect(adapterLabel({ ...hardware, vendor: '', architecture: '' })).toBe(
      'NVIDIA GeForce RTX 3080',
    );
    expect(adapterLabel({ ...hardware, vendor: '', architecture: '', description: '' })).toBe(
      'unnamed adapter',
    );
  });
});
