/*
 * Draws a report's line charts with ECharts (inlined above this script) from the JSON the page
 * embeds in #chart-data, each into the page's element of the chart's id. Drawn at once, without
 * animation, so the page is complete when it has loaded (also for printing and screenshots).
 *
 * The data: axis, "time" (x in epoch milliseconds, shown as a UTC clock, between start and end when
 * given) or "seconds" (x in seconds); linked, whether hovering or zooming one chart moves them all;
 * charts, each with id, unit, title (optional), decimals (shown; 1 by default), step (a stepped
 * line, for counts), threshold and thresholdLabel (a horizontal line), events (vertical lines, each
 * {at, label}) and series, each with name, points ([x, y] pairs), color, dashed and dots (points
 * without a line) all optional.
 */
(function () {
    'use strict';
    var data = JSON.parse(document.getElementById('chart-data').textContent);
    var timeAxis = data.axis === 'time';

    function xAxis() {
        if (timeAxis) {
            return {type: 'time', name: 'UTC', min: data.start, max: data.end,
                axisLabel: {formatter: '{HH}:{mm}:{ss}', hideOverlap: true}, splitLine: {show: true}};
        }
        return {type: 'value', name: 's', min: 'dataMin', max: 'dataMax', minInterval: 1, splitLine: {show: true}};
    }

    // The threshold and the events, as dashed lines on the chart's first series.
    function markLines(spec) {
        var marks = (spec.events || []).map(function (event) {
            return {xAxis: event.at, name: event.label, label: {formatter: event.label}};
        });
        if (spec.threshold !== undefined) {
            marks.push({yAxis: spec.threshold, name: spec.thresholdLabel,
                label: {formatter: spec.thresholdLabel + ' ' + spec.threshold + spec.unit}});
        }
        return marks.length === 0 ? undefined : {symbol: 'none', silent: true,
            lineStyle: {color: '#d62728', type: 'dashed'}, label: {position: 'end'}, data: marks};
    }

    var instances = data.charts.map(function (spec) {
        var decimals = spec.decimals === undefined ? 1 : spec.decimals;
        var format = function (value) {
            return Number(value).toLocaleString('en-US', {maximumFractionDigits: decimals});
        };
        var series = spec.series.map(function (s, index) {
            return {
                name: s.name,
                type: 'line',
                color: s.color || undefined,
                step: spec.step ? 'end' : false,
                // A lone point has no line to show it.
                showSymbol: s.dots === true || s.points.length < 2,
                symbolSize: 6,
                lineStyle: {width: s.dots === true ? 0 : 1.5, type: s.dashed ? 'dashed' : 'solid'},
                markLine: index === 0 ? markLines(spec) : undefined,
                data: s.points
            };
        });
        var chart = echarts.init(document.getElementById(spec.id), null, {renderer: 'svg'});
        if (data.linked) {
            chart.group = 'linked';
        }
        chart.setOption({
            animation: false,
            useUTC: true,
            title: spec.title === undefined ? undefined : {text: spec.title, left: 0, textStyle: {fontSize: 14}},
            legend: {top: spec.title === undefined ? 0 : 22, left: spec.title === undefined ? 'center' : 0, type: 'scroll'},
            grid: {left: 70, right: 60, top: spec.title === undefined ? 40 : 75, bottom: 70},
            tooltip: {
                trigger: 'axis',
                valueFormatter: function (value) { return format(value) + ' ' + spec.unit; }
            },
            toolbox: {right: 10, feature: {dataZoom: {yAxisIndex: 'none'}, restore: {}}},
            dataZoom: [
                {type: 'inside', filterMode: 'none'},
                {type: 'slider', filterMode: 'none', height: 18, bottom: 8}
            ],
            xAxis: xAxis(),
            yAxis: {
                type: 'value',
                name: spec.unit,
                min: 0,
                minInterval: decimals === 0 || spec.step ? 1 : 0,
                axisLabel: {formatter: format},
                splitLine: {show: true}
            },
            series: series
        });
        return chart;
    });
    if (data.linked) {
        echarts.connect('linked');
    }
    window.addEventListener('resize', function () {
        instances.forEach(function (chart) { chart.resize(); });
    });
})();
