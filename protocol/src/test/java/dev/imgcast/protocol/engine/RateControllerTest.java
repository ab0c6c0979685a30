package dev.imgcast.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RateControllerTest {
    @Test
    void startsLowAndDoublesToTheMaximum() {
        RateController rate = new RateController(800);
        assertEquals(100, rate.rate());
        rate.onLoss(0);
        assertEquals(200, rate.rate());
        rate.onLoss(0);
        rate.onLoss(0);
        assertEquals(800, rate.rate());
        rate.onLoss(0);
        assertEquals(800, rate.rate());
    }

    @Test
    void steadyRandomLossIsNotCongestion() {
        RateController rate = new RateController(1_000_000);
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            rate.onLoss(0.05 + random.nextGaussian() * 0.003);
        }
        assertEquals(1_000_000, rate.rate());
        assertEquals(0, rate.decreases());
    }

    @Test
    void lossAboveTheFloorLowersTheRateAndItRecovers() {
        RateController rate = new RateController(1_000_000);
        for (int i = 0; i < 10; i++) {
            rate.onLoss(0.01);
        }
        rate.onLoss(0.30);
        assertEquals(800_000, rate.rate());
        assertEquals(1, rate.decreases());
        for (int i = 0; i < 5; i++) {
            rate.onLoss(0.30);
        }
        assertTrue(rate.rate() < 300_000);
        for (int i = 0; i < 20; i++) {
            rate.onLoss(0.01);
        }
        assertEquals(1_000_000, rate.rate());
    }

    @Test
    void neverBelowOnePercentOfTheMaximum() {
        RateController rate = new RateController(1_000_000);
        rate.onLoss(0);
        for (int i = 0; i < 100; i++) {
            rate.onLoss(i % 2 == 0 ? 0.0 : 0.9);
        }
        assertTrue(rate.rate() >= 10_000);
    }

    @Test
    void burstsOnALinkAreNotCongestionWhenWhatGetsThroughFollowsTheRate() {
        RateController rate = new RateController(1_000_000);
        Random random = new Random(2);
        long sum = 0;
        for (int i = 0; i < 300; i++) {
            // 5% on average in bursts: some intervals lose nothing, some 15%; whatever the rate
            double loss = random.nextDouble() < 0.3 ? 0.15 * random.nextDouble() + 0.05 : random.nextDouble() * 0.02;
            rate.onInterval(loss, rate.rate() * (1 - loss));
            sum += i >= 100 ? rate.rate() : 0;
        }
        assertTrue(rate.undone() > 0, "no cut was undone");
        assertTrue(sum / 200 >= 900_000, "average rate " + sum / 200 + " after the first 100 intervals");
    }

    @Test
    void lossTheRateCausesStillBringsItDown() {
        RateController rate = new RateController(1_000_000);
        Random random = new Random(3);
        long capacity = 400_000;
        long sum = 0;
        for (int i = 0; i < 300; i++) {
            // a receiver that takes in at most 400k, with a little noise of its own
            double noise = random.nextDouble() * 0.01;
            double over = Math.max(0, 1 - (double) capacity / rate.rate());
            double loss = 1 - (1 - over) * (1 - noise);
            rate.onInterval(loss, rate.rate() * (1 - loss));
            sum += i >= 100 ? rate.rate() : 0;
        }
        long average = sum / 200;
        assertTrue(average < 520_000 && average > 250_000, "average rate " + average + " for a capacity of 400k");
    }
}
